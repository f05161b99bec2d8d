"""Every error an API client sees is JSON: which field, why; a 500 carries a request id, never a trace.
A page's error is an HTML page in plain words (`api/pages/errors.py`), with the same status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.matcher_holder import NoActiveModel
from api.model_registry import ActivationError
from api.pages.errors import (
    DATABASE_DOWN,
    NO_MODEL,
    TOO_BUSY,
    in_page_words,
    in_words_all,
    is_page,
    page_error,
)
from api.pages.page_language import gettext
from api.request_guard import RequestGuard
from features.errors import SSTCError, UnknownNameError

log = logging.getLogger("api")
RETRY_AFTER_S = "2"
UNREADABLE_BODY = "the request body could not be read: it must be JSON encoded as UTF-8"


def field_error(
    field: str, message: str, kind: str, loc: list[Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """One error of a 422 body: `field` and `message` for people, and the `loc`/`msg`/`type` of
    FastAPI's documented ValidationError schema, so the OpenAPI description stays true."""
    where = loc if loc is not None else ["body", *field.split(".")]
    return {"field": field, "message": message, "type": kind, "loc": where, "msg": message, **extra}


def unreadable_body(cause: BaseException | None) -> str:
    """Why a body could not be parsed, in words (the JSON parser's limits included)."""
    if isinstance(cause, RecursionError):
        return "the request body could not be read: its JSON is nested too deeply"
    if isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        return "the request body could not be read: a number in it has more than 4300 digits"
    return UNREADABLE_BODY


def validation_error(error: dict[str, Any]) -> dict[str, Any]:
    """One of pydantic's errors in our words: a JSON syntax error is about the body as a whole (its
    `loc` holds a character offset, not a field), and a validator's message loses pydantic's prefix."""
    if error["type"] == "json_invalid":
        position, reason = error["loc"][-1], error.get("ctx", {}).get("error", "invalid JSON")
        message = (
            f"the request body is not valid JSON (cut short or malformed) at character {position}: {reason}"
        )
        return field_error("body", message, "json_invalid", ["body"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return field_error(_field(error["loc"]), message, error["type"], list(error["loc"]))


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p != "body"]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI, max_body_bytes: int, max_import_bytes: int) -> None:
    app.add_middleware(RequestGuard, max_body_bytes=max_body_bytes, max_import_bytes=max_import_bytes)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> Response:
        if is_page(request):
            in_path = any(e["loc"][:1] == ("path",) for e in exc.errors())
            return page_error(request, 404 if in_path else 422, in_words_all(exc.errors()))
        errors = [validation_error(e) for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if is_page(request):
            return page_error(request, exc.status_code, in_page_words(str(exc.detail)), exc.headers)
        unparsed = exc.detail == "There was an error parsing the body"
        detail = unreadable_body(exc.__cause__) if unparsed else exc.detail
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(UnknownNameError)
    async def unknown_name(request: Request, exc: UnknownNameError) -> Response:
        if is_page(request):
            return page_error(request, 422, str(exc))
        detail = [field_error(exc.field, str(exc), "not_found", closest=exc.closest)]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(SSTCError)
    async def domain_error(request: Request, exc: SSTCError) -> Response:
        if is_page(request):
            return page_error(request, 422, str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(LookupError)
    async def not_found(request: Request, exc: LookupError) -> Response:
        if is_page(request):
            return page_error(request, 404, str(exc).strip("'\""))
        return JSONResponse({"detail": str(exc).strip("'\"")}, status_code=404)

    @app.exception_handler(ActivationError)
    async def refused(request: Request, exc: ActivationError) -> Response:
        if is_page(request):
            return page_error(request, 409, str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(NoActiveModel)
    async def no_model(request: Request, exc: NoActiveModel) -> Response:
        if is_page(request):
            return page_error(request, 503, NO_MODEL)
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError) -> Response:
        log.error("database unavailable [%s]: %s", request.state.request_id, exc.orig)
        if is_page(request):
            return _busy_page(request, DATABASE_DOWN)
        return JSONResponse(
            {
                "detail": "the database is unavailable; try again shortly",
                "request_id": request.state.request_id,
            },
            status_code=503,
            headers={"Retry-After": RETRY_AFTER_S},
        )

    @app.exception_handler(PoolTimeout)
    async def too_busy(request: Request, exc: PoolTimeout) -> Response:
        log.warning("no database connection free in time [%s]", request.state.request_id)
        if is_page(request):
            return _busy_page(request, TOO_BUSY)
        body = {"detail": "the service is busy; try again shortly", "request_id": request.state.request_id}
        return JSONResponse(body, status_code=503, headers={"Retry-After": RETRY_AFTER_S})


def _busy_page(request: Request, words: str) -> Response:
    message = gettext(words).format(reference=request.state.request_id)
    return page_error(request, 503, message, headers={"Retry-After": RETRY_AFTER_S})
