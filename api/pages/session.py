"""Signing in with an API key: a server-side session and a CSRF token per session.

The signed, HTTP-only cookie carries a random session id and the CSRF token; the database holds a
SHA-256 of the id, its key and when it was last seen. Signing out ends the session, and so do
revoking its key and leaving it idle; a cookie captured earlier then opens nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.deps import get_engine_dep
from api.pages.page_language import N_
from api.security import hash_key
from models import ApiKey, PageSession, Role

SEEN_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often


class SignInRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the sign-in page."""


def current_user(request: Request, engine: Annotated[Engine, Depends(get_engine_dep)]) -> ApiKey:
    token = request.session.get("sid")
    found = None
    if isinstance(token, str):
        with Session(engine, expire_on_commit=False) as session:
            found = session.exec(
                select(PageSession, ApiKey).where(
                    PageSession.token_hash == hash_key(token), PageSession.key_id == ApiKey.id
                )
            ).first()
            if found is not None and _still_open(request, *found):
                _seen(session, found[0])
                return found[1]
    request.session.clear()
    raise SignInRequired()


def _still_open(request: Request, page_session: PageSession, key: ApiKey) -> bool:
    idle = timedelta(hours=request.app.state.settings.session_idle_hours)
    now = datetime.now(UTC)
    return page_session.ended_at is None and key.revoked_at is None and now - page_session.last_seen_at < idle


def _seen(session: Session, page_session: PageSession) -> None:
    now = datetime.now(UTC)
    if now - page_session.last_seen_at >= SEEN_EVERY:
        page_session.last_seen_at = now
        session.add(page_session)
        session.commit()


User = Annotated[ApiKey, Depends(current_user)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if token is None:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Every form posts the session's token back; a missing or wrong one is refused."""
    expected = request.session.get("csrf", "")
    if not expected or not hmac.compare_digest(str(expected), csrf):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, N_("the form's CSRF token is missing or wrong; reload the page")
        )


CSRF = Depends(check_csrf)


def allow(user: ApiKey, *roles: Role) -> None:
    if user.role not in {*roles, Role.admin}:
        raise HTTPException(status.HTTP_403_FORBIDDEN, N_("this page is not for your role"))


def sign_in(request: Request, session: Session, key: ApiKey) -> None:
    assert key.id is not None
    token = secrets.token_urlsafe(32)
    session.add(PageSession(token_hash=hash_key(token), key_id=key.id))
    session.commit()
    language = request.session.get("lang")  # chosen before signing in: kept
    request.session.clear()
    if language:
        request.session["lang"] = language
    request.session["sid"] = token
    request.session["csrf"] = secrets.token_urlsafe(32)


def sign_out(request: Request, session: Session) -> None:
    token = request.session.get("sid")
    if isinstance(token, str):
        row = session.exec(select(PageSession).where(PageSession.token_hash == hash_key(token))).first()
        if row is not None and row.ended_at is None:
            row.ended_at = datetime.now(UTC)
            session.add(row)
            session.commit()
    request.session.clear()


FORM_TOKENS_KEPT = 10  # per form; the signed cookie stays small


def issue_form_token(request: Request, form: str) -> str:
    """A one-time token for one rendering of a form, kept in the session until the form is sent."""
    tokens = request.session.setdefault("forms", {}).setdefault(form, {"pending": [], "sent": []})
    token = secrets.token_urlsafe(16)
    tokens["pending"] = [*tokens["pending"], token][-FORM_TOKENS_KEPT:]
    request.session["forms"] = request.session["forms"]  # Starlette saves only top-level assignments
    return token


def form_token_pending(request: Request, form: str, token: str) -> bool:
    return token in request.session.get("forms", {}).get(form, {}).get("pending", [])


def already_sent(request: Request, form: str, token: str, content: object) -> str | None:
    """Where an earlier sending led (a need's address) if this token, or this same content, was sent
    before in this session. The content counts because going back re-renders the form with a new
    token while the browser puts back what was typed."""
    digest = _digest(content)
    for sent_token, sent_digest, result in request.session.get("forms", {}).get(form, {}).get("sent", []):
        if token == sent_token or digest == sent_digest:
            return str(result)
    return None


def spend_form_token(request: Request, form: str, token: str, content: object, result: str) -> None:
    """The token is used: sending it, or the same content, again is shown `result` instead."""
    tokens = request.session["forms"][form]
    tokens["pending"] = [t for t in tokens["pending"] if t != token]
    tokens["sent"] = [*tokens["sent"], [token, _digest(content), result]][-FORM_TOKENS_KEPT:]
    request.session["forms"] = request.session["forms"]


def _digest(content: object) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]
