"""API keys: random, shown once, stored only as a SHA-256 (they are long random tokens, so a fast
hash is enough; no password-style stretching is needed)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api.key_cache import bump_revision
from models import ApiKey, PageSession, Role

KEY_PREFIX = "sstc_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(engine: Engine, role: Role, country: str | None = None, label: str = "") -> tuple[ApiKey, str]:
    """Store a new key and return it with its plain text (the only time it exists)."""
    if role == Role.country_office and not country:
        raise ValueError("a country_office key needs --country (an ISO3 code)")
    if role != Role.country_office and country:
        raise ValueError(f"only a country_office key has a country, not a {role.value} key")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(prefix=key[:12], key_hash=hash_key(key), role=role, country=country, label=label)
    with Session(engine, expire_on_commit=False) as session:
        session.add(row)
        bump_revision(session)
        session.commit()
        session.refresh(row)
    return row, key


def revoke_key(engine: Engine, key_id: int) -> ApiKey:
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(ApiKey, key_id)
        if row is None:
            raise LookupError(f"no API key with id {key_id}")
        if row.revoked_at is None:
            now = datetime.now(UTC)
            row.revoked_at = now
            open_sessions = select(PageSession).where(
                PageSession.key_id == key_id, col(PageSession.ended_at).is_(None)
            )
            for page_session in session.exec(open_sessions):
                page_session.ended_at = now
            bump_revision(session)
            session.commit()
            session.refresh(row)
        return row


def find_key(session: Session, key: str) -> ApiKey | None:
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
    if row is None or row.revoked_at is not None:
        return None
    return row
