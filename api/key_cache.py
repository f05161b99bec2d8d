"""API keys looked up once per worker, for as long as no key has changed.

Each request reads one number, the keys' revision (`KeyRevision`), which creating or revoking a
key raises in the same transaction. A worker keeps the keys it has found while the revision is
the one it last read and forgets them all when it moves, so a revoked key is refused by every
worker on its next request. The revision is read before the key: a key read first could be
kept under a revision that already counts its revocation.

Only keys that were found are kept; an unknown key costs a lookup every time (and the failed
sign-in throttle), so random keys cannot fill the cache.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from models import ApiKey, KeyRevision

_REVISION = select(KeyRevision.revision).where(col(KeyRevision.id) == 1)


def bump_revision(session: Session) -> None:
    """Count a change to the keys, in the caller's transaction."""
    raised = (
        update(KeyRevision).where(col(KeyRevision.id) == 1).values(revision=col(KeyRevision.revision) + 1)
    )
    session.execute(raised)


class KeyCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._keys: dict[str, ApiKey] = {}

    def find(self, engine: Engine, key_hash: str) -> ApiKey | None:
        """The key whose SHA-256 is `key_hash`, if it exists and is not revoked."""
        with Session(engine) as session:
            revision = session.exec(_REVISION).first()
            with self._lock:
                if revision != self._revision:
                    self._keys, self._revision = {}, revision
                found = self._keys.get(key_hash)
            if found is not None:
                return found
            row = session.exec(select(ApiKey).where(ApiKey.key_hash == key_hash)).first()
        if row is None or row.revoked_at is not None:
            return None
        with self._lock:
            if self._revision == revision:
                self._keys[key_hash] = row
        return row
