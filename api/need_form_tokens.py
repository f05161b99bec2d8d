"""A need form's one-time token is spent in the database, in the transaction that stores its need:
of two sendings that arrive at the same moment (a double click), the second meets the token's
unique key and is told where the first one's need is, whatever the session cookie still says."""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.needs_store import store_need
from features.needs import ResolvedNeed
from models import ApiKey, Need, UsedFormToken


class FormAlreadyUsed(Exception):
    """The token already stored a need: `need_id`."""

    def __init__(self, need_id: int) -> None:
        super().__init__(f"this form already stored need {need_id}")
        self.need_id = need_id


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def used_by(session: Session, token: str) -> int | None:
    """The need a token stored, if it was spent."""
    row = session.get(UsedFormToken, token_hash(token))
    return None if row is None else row.need_id


def store_need_once(session: Session, key: ApiKey, resolved: ResolvedNeed, token: str) -> Need:
    """Store the need and spend its form token together, or raise FormAlreadyUsed."""
    try:
        return store_need(
            session, key, resolved, also=[UsedFormToken(token_hash=token_hash(token), need_id=0)]
        )
    except IntegrityError:
        session.rollback()
        need_id = used_by(session, token)
        if need_id is None:
            raise
        raise FormAlreadyUsed(need_id) from None
