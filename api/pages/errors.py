"""Pages answer errors with a page (the API answers with JSON); a signed-out visitor is sent to sign in."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.pages.session import SignInRequired

HEADINGS = {
    403: "Not for your role",
    404: "Not found",
    413: "Too much to send",
    422: "Please check the form",
    429: "Too many tries",
}


def is_page(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith(("/api/", "/docs", "/openapi", "/redoc")) or path in ("/healthz", "/readyz"))


def page_error(
    request: Request, status_code: int, message: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    from api.pages.rendering import templates

    context = {"status_code": status_code, "heading": HEADINGS.get(status_code, "Something went wrong"),
               "message": message, "user": None, "csrf": ""}  # fmt: skip
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status_code, headers=headers
    )


def install_page_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse("/login", status_code=303)
