"""What every page handler uses: the templates, `render` with the page context, and `redirect`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.pages.session import csrf_token
from features.taxonomy import default_taxonomy

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def render(
    request: Request, name: str, user: Any = None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.update(user=user, csrf=csrf_token(request), taxonomy=default_taxonomy())
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
