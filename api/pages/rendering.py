"""What every page handler uses: the templates, `render` with the page context, and `redirect`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session, select

from api.pages import catalogue_words, page_language
from api.pages.engine_wording import EngineWording
from api.pages.enum_words import ENUMS, in_words
from api.pages.session import csrf_token
from features.taxonomy import default_taxonomy
from models import Country


def language_context(request: Request) -> dict[str, Any]:
    """`<html lang>` and the switch links (the same page and query, another `lang`)."""
    switch = [(code, name, str(request.url.include_query_params(lang=code)))
              for code, name in page_language.NAMES.items()]  # fmt: skip
    named = {name: in_words(words) for name, words in ENUMS.items()}
    return {"lang": page_language.current_locale(), "languages": switch, **named}


templates = Jinja2Templates(
    directory=Path(__file__).parent / "templates", context_processors=[language_context]
)
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=page_language.gettext, ngettext=page_language.ngettext, newstyle=True
)
templates.env.filters.update(
    date=page_language.local_date, datetime=page_language.local_datetime, number=page_language.local_number,
    country_name=catalogue_words.country_name, region_name=catalogue_words.region_name,
    language_name=page_language.language_name, signed=page_language.local_signed,
    source_name=catalogue_words.source_name,
)  # fmt: skip
templates.env.globals.update(term_name=catalogue_words.term_name)


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
