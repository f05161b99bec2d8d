"""Signing in with an API key: a signed, HTTP-only session cookie and a CSRF token per session."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status
from sqlmodel import Session

from api.deps import SessionDep
from models import ApiKey, Role


class SignInRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the sign-in page."""


def current_user(request: Request, session: SessionDep) -> ApiKey:
    key_id = request.session.get("key_id")
    key = session.get(ApiKey, key_id) if key_id is not None else None
    if key is None or key.revoked_at is not None:
        request.session.clear()
        raise SignInRequired()
    return key


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
            status.HTTP_403_FORBIDDEN, "the form's CSRF token is missing or wrong; reload the page"
        )


CSRF = Depends(check_csrf)


def allow(user: ApiKey, *roles: Role) -> None:
    if user.role not in {*roles, Role.admin}:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this page is not for your role")


def sign_in(request: Request, session: Session, key: ApiKey) -> None:
    request.session.clear()
    request.session["key_id"] = key.id
    request.session["csrf"] = secrets.token_urlsafe(32)
