"""Model versions: train one on the stored catalogue and reviews, record it, activate, load."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api.catalogue_store import load_catalogue
from api.model_activations import record_activation, rollback_target, undo_down_to
from api.needs_store import resolved_need
from api.review_carry_over import triad_of
from features.errors import SSTCError
from matching.evaluation_runner import evaluate
from matching.matcher import Matcher
from matching.persistence import ModelFileError, load_matcher, save_matcher
from matching.splits import grouped_folds
from matching.training_examples import Review
from models import Decision, ModelStatus, ModelVersion, Need, Suggestion
from models import Review as ReviewRow

# What a person who meets `EmptyCatalogueError` on the command line can do about it.
LOAD_CATALOGUE_HINT = (
    "`sstc seed` loads the fixture catalogue; `sstc import csv` and `sstc import iati` add partnerships"
)


def new_version_id(ranker: str) -> str:
    return f"{ranker}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"


def train_version(
    engine: Engine,
    model_dir: Path,
    ranker: str = "learned",
    activate_if_first: bool = True,
    **params: Any,
) -> ModelVersion:
    """Fit a matcher on the stored catalogue; record it as a candidate (active if first)."""
    catalogue = load_catalogue(engine)
    reviews = reviews_for_training(engine)
    matcher = Matcher(ranker=ranker, **params).fit(catalogue, reviews=reviews)
    version = new_version_id(ranker)
    path = model_dir / f"{version}.skops"
    card = save_matcher(matcher, path)
    row = ModelVersion(
        id=version,
        path=str(path),
        sha256=card["sha256"],
        ranker=ranker,
        data_snapshot=matcher.snapshot_,
        params=card["parameters"],
        metrics={},
        trained_partnerships=len(catalogue.partnerships),
        trained_reviews=len(reviews),
    )
    with Session(engine) as session, session.begin():
        has_active = session.exec(
            select(ModelVersion).where(ModelVersion.status == ModelStatus.active)
        ).first()
        if activate_if_first and has_active is None:
            row.status = ModelStatus.active
            row.activated_at = datetime.now(UTC)
        session.add(row)
        if row.status == ModelStatus.active:
            session.flush()
            record_activation(session, row.id, None)
    with Session(engine) as session:
        stored = session.get(ModelVersion, version)
        assert stored is not None
        return stored


LABELS = {Decision.accept: 1, Decision.shortlist: 1, Decision.reject: 0}  # 'unsure' teaches nothing


def reviews_for_training(engine: Engine) -> list[Review]:
    """The latest decision on each reviewed triad (need, provider, facilitator) over all its runs, as
    its label: a decision carried over to a later run counts once."""
    with Session(engine) as session:
        rows = session.exec(
            select(ReviewRow, Suggestion, Need)
            .where(ReviewRow.suggestion_id == Suggestion.id, Suggestion.need_id == Need.id)
            .order_by(col(ReviewRow.id))
        ).all()
    latest = {triad_of(suggestion): (review, suggestion, need) for review, suggestion, need in rows}
    return [
        Review(
            resolved_need(need), suggestion.provider_id, suggestion.facilitator_id, LABELS[review.decision]
        )
        for review, suggestion, need in latest.values()
        if review.decision in LABELS
    ]


def evaluate_version(engine: Engine, version_id: str, folds: int = 5) -> dict[str, Any]:
    """Grouped k-fold metrics of a version's recipe on the stored history, saved on its row."""
    with Session(engine) as session:
        row = session.get(ModelVersion, version_id)
        if row is None:
            raise LookupError(f"model version {version_id} not found")
        ranker = row.ranker
    catalogue = load_catalogue(engine)
    results = evaluate(catalogue, grouped_folds(catalogue, folds), (ranker,))
    metrics = {
        "protocol": f"grouped-{folds}-fold",
        **{r["target"]: {k: v for k, v in r.items() if k not in ("ranker", "target", "subset")}
           for r in results if r["subset"] == "all"},
    }  # fmt: skip
    with Session(engine) as session, session.begin():
        stored = session.get(ModelVersion, version_id)
        assert stored is not None
        stored.metrics = metrics
    return metrics


def active_version(engine: Engine) -> ModelVersion | None:
    with Session(engine) as session:
        return session.exec(
            select(ModelVersion)
            .where(ModelVersion.status == ModelStatus.active)
            .order_by(col(ModelVersion.activated_at).desc())
        ).first()


def load_version(row: ModelVersion) -> Matcher:
    matcher = load_matcher(Path(row.path), row.sha256)
    matcher.version_ = row.id
    return matcher


def active_matcher(engine: Engine, model_dir: Path) -> Matcher:
    """The active model; on first start, train one on the stored catalogue and activate it."""
    row = active_version(engine) or train_version(engine, model_dir)
    return load_version(row)


class ActivationError(SSTCError):
    """A version that cannot be activated (unknown, or its file fails the checksum)."""


def activate_version(engine: Engine, version_id: str, by: int | None = None) -> ModelVersion:
    """Load and verify every file of a version (the skops file and its arrays: checksums, shapes,
    index bounds); only then make it active, retire the one before and record the activation, in
    one transaction."""
    return _activate(engine, version_id, by, rolling_back=False)


def roll_back(engine: Engine, by: int | None = None) -> ModelVersion:
    """Re-activate the version active before the current one (verified like any activation)."""
    target = rollback_target(engine)
    if target is None:
        raise ActivationError("no earlier active version to roll back to")
    return _activate(engine, target.id, by, rolling_back=True)


def _activate(engine: Engine, version_id: str, by: int | None, rolling_back: bool) -> ModelVersion:
    with Session(engine) as session:
        candidate = session.get(ModelVersion, version_id)
        if candidate is None:
            raise LookupError(f"model version {version_id} not found")
    try:
        load_version(candidate)
    except ModelFileError as exc:
        raise ActivationError(
            f"model version {version_id} cannot be loaded, so it stays inactive: {exc}"
        ) from exc
    with Session(engine, expire_on_commit=False) as session, session.begin():
        row = session.get(ModelVersion, version_id)
        if row is None or row.sha256 != candidate.sha256:
            raise ActivationError(f"model version {version_id} changed while it was verified; try again")
        for active in session.exec(select(ModelVersion).where(ModelVersion.status == ModelStatus.active)):
            if active.id != version_id:
                active.status = ModelStatus.retired
        row.status = ModelStatus.active
        row.activated_at = datetime.now(UTC)
        if rolling_back:
            undo_down_to(session, version_id)
        else:
            record_activation(session, version_id, by)
    return row


def activation_history(engine: Engine) -> list[ModelVersion]:
    """Every version that was ever active, the latest activation first."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(ModelVersion)
                .where(col(ModelVersion.activated_at).is_not(None))
                .order_by(col(ModelVersion.activated_at).desc())
            )
        )
