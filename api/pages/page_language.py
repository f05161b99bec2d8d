"""The pages' language: English, French, Spanish or Portuguese, from gettext catalogues (Babel).

Chosen per request, in this order: `?lang=` (a switch link; then remembered in the session), the
session's choice, the browser's Accept-Language header (Babel's `negotiate_locale`), English.
The choice lives in a context variable for the request, so the templates' `_()` and the Python
messages (`gettext` here) read the same language.

The catalogues are the `.po` files under `locales/`, compiled in memory on first use: the `.po`
is the one source kept in the repository, so a fresh clone (and a `.po` just edited) needs no build
step and never serves a stale `.mo`. `pybabel compile` still works for tools that want `.mo` files."""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from starlette.types import ASGIApp, Receive, Scope, Send

LOCALES = ("en", "fr", "es", "pt")
NAMES = {"en": "English", "fr": "Français", "es": "Español", "pt": "Português"}
DEFAULT = "en"
CATALOGUES = Path(__file__).parent / "locales"
_current: ContextVar[str] = ContextVar("page_locale", default=DEFAULT)


@cache
def translations(locale: str) -> NullTranslations:
    """The locale's catalogue, compiled from its .po in memory; English is the source text."""
    po = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT or not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def current_locale() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def accepted(header: str) -> list[str]:
    """Accept-Language's languages, most wanted first ("fr-CH, fr;q=0.9, en;q=0.8")."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.replace("-", "_")))
    return [tag for _, _, tag in sorted(ranked)]


def choose_locale(asked: str | None, remembered: str | None, accept_language: str) -> str:
    if asked in LOCALES:
        return str(asked)
    if remembered in LOCALES:
        return str(remembered)
    return negotiate_locale(accepted(accept_language), LOCALES, sep="_") or DEFAULT


class PageLanguageMiddleware:
    """Sets the request's language (inside the session middleware, which it reads and writes)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.requests import Request

        request = Request(scope)
        session = scope.get("session")
        asked = request.query_params.get("lang")
        locale = choose_locale(asked, (session or {}).get("lang"), request.headers.get("accept-language", ""))
        if session is not None and asked in LOCALES:
            session["lang"] = locale
        token = _current.set(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)


def local_date(value: datetime) -> str:
    return format_date(value, format="medium", locale=_current.get())


def local_datetime(value: datetime) -> str:
    return format_datetime(value, format="medium", locale=_current.get())


def local_number(value: float, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_current.get())


def local_signed(value: float, digits: int = 0) -> str:
    """A contribution with its sign, "+0.92" ("+0,92" in French)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=f"+{pattern};-{pattern}", locale=_current.get())


def language_name(code: str) -> str:
    """A language's name in the page's language, for any ISO 639 code (Fijian has no Babel locale
    of its own, but a name in every locale's list of languages); an unknown code as it is."""
    return str(Locale.parse(_current.get()).languages.get(code, code))


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated where it is shown (`_()` or `gettext`)."""
    return message
