"""The activation history of model versions, and rolling back through it.

Activating a version adds an entry; rolling back undoes the latest entries down to the one before
the current version's and makes that version active again, adding nothing. A second roll-back
therefore goes one step further back, never back to the version just rolled back from."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models import ModelActivation, ModelStatus, ModelVersion


def record_activation(session: Session, version_id: str, by: int | None) -> None:
    session.add(ModelActivation(version_id=version_id, activated_by=by))


def _open_entries(session: Session) -> list[ModelActivation]:
    query = select(ModelActivation).where(col(ModelActivation.undone_at).is_(None))
    return list(session.exec(query.order_by(col(ModelActivation.id).desc())))


def _current(session: Session) -> str | None:
    row = session.exec(select(ModelVersion).where(ModelVersion.status == ModelStatus.active)).first()
    return row.id if row is not None else None


def rollback_target(engine: Engine) -> ModelVersion | None:
    """The version a roll-back restores: the latest open entry of another version than the active one."""
    with Session(engine) as session:
        current = _current(session)
        for entry in _open_entries(session):
            if entry.version_id != current:
                return session.get(ModelVersion, entry.version_id)
    return None


def undo_down_to(session: Session, version_id: str) -> None:
    """Mark undone every open entry newer than the latest one of `version_id` (the restored one)."""
    now = datetime.now(UTC)
    for entry in _open_entries(session):
        if entry.version_id == version_id:
            return
        entry.undone_at = now
