"""Pages answer errors with a page (the API answers with JSON); a signed-out visitor is sent to sign in.

What a validator says ("Input should be a valid integer") is turned into a sentence that names the
field as the form labels it; the validator's own text never reaches a page."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.pages.page_language import N_, gettext
from api.pages.session import SignInRequired

HEADINGS = {
    400: N_("Please check what you asked for"),
    403: N_("Not for your role"),
    404: N_("Not found"),
    409: N_("Already done"),
    413: N_("Too much to send"),
    422: N_("Please check the form"),
    429: N_("Too many tries"),
    503: N_("Not available just now"),
}
FIELD_NAMES = {"need_id": N_("need number"), "suggestion_id": N_("suggestion number"),
               "text": N_("“What do you need?”"), "budget_usd": N_("budget"), "sdg": N_("SDG"),
               "csrf": N_("form token"), "key": N_("API key")}  # fmt: skip


# What the API says in English (shared routes' errors), said on a page in its language
SHARED = [
    (re.compile(r"need (?P<number>\d+) not found"), N_("There is no need {number} that you may see.")),
    (re.compile(r"suggestion (?P<number>\d+) not found"),
     N_("There is no suggestion {number} that you may see.")),
    (re.compile(r"too many failed sign-ins or invalid API keys from this address; "
                r"try again in (?P<wait>\d+) s"),
     N_("Too many failed sign-ins from this address; try again in {wait} seconds.")),
]  # fmt: skip
NO_MODEL = N_("No ranking model is ready yet; try again in a few minutes.")
DATABASE_DOWN = N_(
    "The database is not answering just now. Wait a moment and try again; a form you were sending was "
    "not saved, so go back and send it again (reference {reference})."
)
TOO_BUSY = N_(
    "The service is busy just now. Wait a moment and try again; a form you were sending was not saved, "
    "so go back and send it again (reference {reference})."
)


def in_page_words(detail: str) -> str:
    """An HTTP error's detail as a page says it: the API's own words for the shared routes' errors,
    and the pages' words (msgids, translated when shown) for the rest."""
    for pattern, words in SHARED:
        found = pattern.fullmatch(detail)
        if found:
            return gettext(words).format(**found.groupdict())
    return detail


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
    """The error page; `link` is (address, words) for the one next step that makes sense. The words
    are translated here (a msgid, or words already in the page's language, are left as they are) and
    escaped by the template: a message may quote what someone typed."""
    from api.pages.rendering import templates

    heading = gettext(HEADINGS.get(status_code, N_("Something went wrong")))
    link = (link[0], gettext(link[1])) if link else None
    context = {"status_code": status_code, "heading": heading, "message": gettext(message), "link": link,
               "user": None, "csrf": ""}  # fmt: skip
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status_code, headers=headers
    )


def field_name(loc: Sequence[Any]) -> str:
    named = [str(p) for p in loc if p not in ("body", "query", "path", "form") and not isinstance(p, int)]
    name = named[-1] if named else "form"
    return gettext(FIELD_NAMES[name]) if name in FIELD_NAMES else name.replace("_", " ")


def in_words(error: Mapping[str, Any]) -> str:
    """One validation error as a sentence a person can act on."""
    field, kind, ctx = field_name(error.get("loc", ())), str(error.get("type", "")), error.get("ctx") or {}
    typed = error.get("input")
    quoted = f"“{str(typed)[:60]}”" if isinstance(typed, str | int | float) else gettext("what was sent")
    _ = gettext
    if kind == "missing":
        return _("Please fill in the {field}.").format(field=field)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("The {field} must be a whole number; {quoted} is not.").format(field=field, quoted=quoted)
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return _("The {field} {quoted} is out of range.").format(field=field, quoted=quoted)
    if kind == "string_too_long":
        return _("The {field} is too long; it takes at most {limit} characters.").format(
            field=field, limit=ctx.get("max_length", "")
        )
    if kind == "too_long":
        return _("The {field} is too long; it takes at most {limit} items.").format(
            field=field, limit=ctx.get("max_length", "")
        )
    if kind in ("string_too_short", "too_short"):
        return _("The {field} is too short.").format(field=field)
    if kind in ("enum", "literal_error"):
        return _("{quoted} is not one of the choices for the {field}.").format(field=field, quoted=quoted)
    if kind == "value_error":
        said = str(error.get("msg", "")).removeprefix("Value error, ")
        return _("The {field} {said}.").format(field=field, said=said)
    return _("The {field} {quoted} could not be understood.").format(field=field, quoted=quoted)


def in_words_all(errors: Sequence[Mapping[str, Any]]) -> str:
    return " ".join(dict.fromkeys(in_words(e) for e in errors))


def install_page_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse("/login", status_code=303)
