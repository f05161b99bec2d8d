"""The outermost guard of every request, as plain ASGI (no per-request task group or streams):
a request id on the way in and out, the security headers on every response, bodies over the limit
refused on the bytes actually received (chunked or not) before anything reads them in full, and any
unhandled error answered as a JSON 500 that names the request id, never a trace. An upload to the
import route has a limit of its own (`max_import_bytes`)."""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.response_headers import security_headers

log = logging.getLogger("api")
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The route that takes files (api/routes/imports.py): its bodies may reach `max_import_bytes`.
IMPORTS_PATH = "/api/v1/imports"


def request_id_of(headers: Headers) -> str:
    """The client's X-Request-ID when it is a short plain token; otherwise one of our own."""
    given = headers.get("x-request-id", "")
    return given if CLIENT_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def too_large(size: str, limit: int) -> JSONResponse:
    return JSONResponse({"detail": f"request body too large: {size} bytes, the limit is {limit}"}, 413)


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int, max_import_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_import_bytes = max_import_bytes

    def body_limit(self, scope: Scope) -> int:
        if scope["path"] == IMPORTS_PATH and scope["method"] == "POST":
            return self.max_import_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        max_body_bytes = self.body_limit(scope)
        request_id = request_id_of(headers)
        scope.setdefault("state", {})["request_id"] = request_id
        started = answered_by_guard = False
        received = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                response_headers = MutableHeaders(scope=message)
                response_headers["X-Request-ID"] = request_id
                for name, value in security_headers(scope["path"]).items():
                    response_headers.setdefault(name, value)
            await send(message)

        async def send_unless_answered(message: Message) -> None:
            if not answered_by_guard:
                await send_with_headers(message)

        async def receive_within_limit() -> Message:
            """Counts the bytes as they arrive; past the limit, answers 413 itself and tells the
            app the client went away, so nothing further is read and whatever the app would have
            answered is dropped."""
            nonlocal received, answered_by_guard
            if answered_by_guard:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body_bytes and not started:
                    answered_by_guard = True
                    await too_large(f"at least {received}", max_body_bytes)(scope, receive, send_with_headers)
                    return {"type": "http.disconnect"}
            return message

        length = headers.get("content-length", "0")
        if not length.isdigit():
            await JSONResponse({"detail": "invalid Content-Length header"}, 400)(
                scope, receive, send_with_headers
            )
            return
        if int(length) > max_body_bytes:
            await too_large(length, max_body_bytes)(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, receive_within_limit, send_unless_answered)
        except Exception:  # the last line of defence: log it, answer without the trace
            if answered_by_guard:
                return
            log.exception("unhandled error in %s %s [%s]", scope["method"], scope["path"], request_id)
            if started:
                raise
            body = {"detail": "internal server error", "request_id": request_id}
            await JSONResponse(body, 500)(scope, receive, send_with_headers)
