"""What every page handler uses: the templates, `render` with the page context, and `redirect`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session, select

from api.pages import page_language
from api.pages.engine_wording import EngineWording
from api.pages.session import csrf_token
from features.taxonomy import default_taxonomy
from models import Country


def language_context(request: Request) -> dict[str, Any]:
    """`<html lang>` and the switch links (the same page and query, another `lang`)."""
    switch = [(code, name, str(request.url.include_query_params(lang=code)))
              for code, name in page_language.NAMES.items()]  # fmt: skip
    _ = page_language.gettext
    roles = {"country_office": _("country office"), "helpdesk": _("help desk"),
             "data_scientist": _("data scientist"), "admin": _("admin")}  # fmt: skip
    statuses = {"open": _("open"), "closed": _("closed"), "any": _("any")}
    decisions = {
        "accept": _("accept"),
        "reject": _("reject"),
        "shortlist": _("shortlist"),
        "unsure": _("unsure"),
    }
    stages = {
        "agreed": _("agreed"),
        "funded": _("funded"),
        "completed": _("completed"),
        "dropped": _("dropped"),
    }
    return {"lang": page_language.current_locale(), "languages": switch, "role_names": roles,
            "status_names": statuses,
            "decision_names": decisions, "stage_names": stages}  # fmt: skip


templates = Jinja2Templates(
    directory=Path(__file__).parent / "templates", context_processors=[language_context]
)
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=page_language.gettext, ngettext=page_language.ngettext, newstyle=True
)
templates.env.filters.update(
    date=page_language.local_date, datetime=page_language.local_datetime, number=page_language.local_number
)


def render(
    request: Request, name: str, user: Any = None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.update(user=user, csrf=csrf_token(request), taxonomy=default_taxonomy())
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def engine_wording(session: Session) -> EngineWording:
    """The engine's words in the request's language; its reasons quote countries by catalogue name."""
    if page_language.current_locale() == page_language.DEFAULT:
        return EngineWording()
    return EngineWording({name: iso2 for name, iso2 in session.exec(select(Country.name, Country.iso2))})


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
