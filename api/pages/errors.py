"""Pages answer errors with a page (the API answers with JSON); a signed-out visitor is sent to sign in.

What a validator says ("Input should be a valid integer") is turned into a sentence that names the
field as the form labels it; the validator's own text never reaches a page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.pages.session import SignInRequired

HEADINGS = {
    403: "Not for your role",
    404: "Not found",
    409: "Already done",
    413: "Too much to send",
    422: "Please check the form",
    429: "Too many tries",
    503: "Not available just now",
}
FIELD_NAMES = {"need_id": "need number", "suggestion_id": "suggestion number", "text": "“What do you need?”",
               "budget_usd": "budget", "sdg": "SDG", "csrf": "form token", "key": "API key"}  # fmt: skip


def is_page(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith(("/api/", "/docs", "/openapi", "/redoc")) or path in ("/healthz", "/readyz"))


def page_error(
    request: Request,
    status_code: int,
    message: str,
    headers: Mapping[str, str] | None = None,
    link: tuple[str, str] | None = None,
) -> HTMLResponse:
    """The error page; `link` is (address, words) for the one next step that makes sense."""
    from api.pages.rendering import templates

    context = {"status_code": status_code, "heading": HEADINGS.get(status_code, "Something went wrong"),
               "message": message, "link": link, "user": None, "csrf": ""}  # fmt: skip
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status_code, headers=headers
    )


def field_name(loc: Sequence[Any]) -> str:
    named = [str(p) for p in loc if p not in ("body", "query", "path", "form") and not isinstance(p, int)]
    name = named[-1] if named else "form"
    return FIELD_NAMES.get(name, name.replace("_", " "))


def in_words(error: Mapping[str, Any]) -> str:
    """One validation error as a sentence a person can act on."""
    field, kind, ctx = field_name(error.get("loc", ())), str(error.get("type", "")), error.get("ctx") or {}
    typed = error.get("input")
    quoted = f"“{str(typed)[:60]}”" if isinstance(typed, str | int | float) else "what was sent"
    if kind == "missing":
        return f"Please fill in the {field}."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"The {field} must be a whole number; {quoted} is not."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"The {field} {quoted} is out of range."
    if kind in ("string_too_long", "too_long"):
        unit = "characters" if kind == "string_too_long" else "items"
        return f"The {field} is too long; it takes at most {ctx.get('max_length', '')} {unit}."
    if kind in ("string_too_short", "too_short"):
        return f"The {field} is too short."
    if kind in ("enum", "literal_error"):
        return f"{quoted} is not one of the choices for the {field}."
    if kind == "value_error":
        return f"The {field} {str(error.get('msg', '')).removeprefix('Value error, ')}."
    return f"The {field} {quoted} could not be understood."


def in_words_all(errors: Sequence[Mapping[str, Any]]) -> str:
    return " ".join(dict.fromkeys(in_words(e) for e in errors))


def install_page_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse("/login", status_code=303)
