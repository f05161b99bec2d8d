"""A decision belongs to (need, provider, facilitator), not to one run's row: it carries over to
every later run that proposes the same triad, and a triad a run drops keeps its decisions in the
history. Each engine run is kept; what changed between the last two runs is worked out here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from models import ApiKey, Review, Role, Suggestion

Triad = tuple[int, str, str | None]  # need, provider, facilitator (None: bilateral)


def triad_of(row: Suggestion) -> Triad:
    return (row.need_id, row.provider_id, row.facilitator_id)


def triad_reviews(session: Session, need_ids: set[int]) -> dict[Triad, list[Review]]:
    """Every review of the needs' triads over all their runs, oldest first."""
    rows = session.exec(
        select(Review, Suggestion)
        .where(Review.suggestion_id == Suggestion.id, col(Suggestion.need_id).in_(need_ids))
        .order_by(col(Review.id))
    ).all()
    found: dict[Triad, list[Review]] = {}
    for review, suggestion in rows:
        found.setdefault(triad_of(suggestion), []).append(review)
    return found


def run_ids(session: Session, need_id: int) -> list[str]:
    """The need's engine runs, oldest first."""
    rows = session.exec(
        select(Suggestion.run_id, Suggestion.id)
        .where(Suggestion.need_id == need_id)
        .order_by(col(Suggestion.id))
    ).all()
    return list(dict.fromkeys(run for run, _ in rows))


def run_rows(session: Session, run_id: str) -> list[Suggestion]:
    return list(
        session.exec(select(Suggestion).where(Suggestion.run_id == run_id).order_by(col(Suggestion.rank)))
    )


@dataclass
class RunChanges:
    """How the latest run differs from the one before: triads it proposes for the first time, those
    it no longer proposes (with their decisions), and those it ranks differently (rank before, after)."""

    new: list[Suggestion] = field(default_factory=list)
    dropped: list[Suggestion] = field(default_factory=list)
    moved: list[tuple[Suggestion, int, int]] = field(default_factory=list)
    kept: int = 0


def run_changes(previous: list[Suggestion], latest: list[Suggestion]) -> RunChanges:
    before = {triad_of(r): r for r in previous}
    after = {triad_of(r): r for r in latest}
    changes = RunChanges()
    for key, row in after.items():
        if key not in before:
            changes.new.append(row)
        elif before[key].rank != row.rank:
            changes.moved.append((row, before[key].rank, row.rank))
        else:
            changes.kept += 1
    changes.dropped = [row for key, row in before.items() if key not in after]
    return changes


def latest_changes(session: Session, need_id: int) -> RunChanges | None:
    """What the latest run changed, or None when the need has had fewer than two runs."""
    runs = run_ids(session, need_id)
    if len(runs) < 2:
        return None
    return run_changes(run_rows(session, runs[-2]), run_rows(session, runs[-1]))


def key_names(
    session: Session, key_ids: Iterable[int | None], role_word: Callable[[Role], str] | None = None
) -> dict[int, str]:
    """Each key as a person reads it: its name (or its prefix when it has none) and its role, the
    role's code in words unless `role_word` says it (in a page's language)."""
    keys = session.exec(select(ApiKey).where(col(ApiKey.id).in_({k for k in key_ids if k is not None}))).all()
    word = role_word or (lambda role: role.value.replace("_", " "))
    return {k.id: f"{k.label or k.prefix} ({word(k.role)})" for k in keys if k.id is not None}
