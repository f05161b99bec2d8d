from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, status
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from api.deps import RowId, SessionDep, require
from api.model_registry import activate_version, evaluate_version, roll_back, train_version
from models import ApiKey, ModelVersion, Role, TrainingJob
from models.schemas import ModelVersionPublic, TrainingJobPublic, TrainRequest

router = APIRouter(prefix="/api/v1/models", tags=["models"])
Scientist = Annotated[ApiKey, Depends(require(Role.data_scientist))]


def _public(row: ModelVersion) -> ModelVersionPublic:
    return ModelVersionPublic.model_validate(row.model_dump())


def _job_public(row: TrainingJob) -> TrainingJobPublic:
    return TrainingJobPublic.model_validate(row.model_dump())


def run_job(engine: Engine, model_dir: str, job_id: RowId) -> None:
    """The background part of /train and /evaluate: a failure is recorded, the active model untouched."""
    with Session(engine) as session:
        job = session.get(TrainingJob, job_id)
        assert job is not None
        job.status = "running"
        session.commit()
        kind, ranker, version_id = job.kind, job.ranker, job.model_version
    try:
        if kind == "train":
            version_id = train_version(engine, Path(model_dir), ranker=ranker, activate_if_first=False).id
        else:
            assert version_id is not None
            evaluate_version(engine, version_id)
        outcome, error = "done", ""
    except Exception as exc:  # recorded for the data scientist; nothing else changes
        outcome, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
    with Session(engine) as session:
        job = session.get(TrainingJob, job_id)
        assert job is not None
        job.status, job.error, job.model_version = outcome, error, version_id
        job.finished_at = datetime.now(UTC)
        session.commit()


def queue_job(job: TrainingJob, session: Session, request: Request, tasks: BackgroundTasks) -> TrainingJob:
    """Record a job and run it after the response is sent (the API's routes and the Models page)."""
    session.add(job)
    session.commit()
    session.refresh(job)
    assert job.id is not None
    tasks.add_task(run_job, request.app.state.engine, str(request.app.state.settings.model_dir), job.id)
    return job


def _start(job: TrainingJob, session: Session, request: Request, tasks: BackgroundTasks) -> TrainingJobPublic:
    return _job_public(queue_job(job, session, request, tasks))


@router.get("", operation_id="list_models", summary="List model versions with their metrics")
def list_models(key: Scientist, session: SessionDep) -> list[ModelVersionPublic]:
    """Every model version, newest first."""
    rows = session.exec(select(ModelVersion).order_by(col(ModelVersion.created_at).desc())).all()
    return [_public(r) for r in rows]


@router.post(
    "/train",
    operation_id="train_model",
    summary="Train a candidate version in the background",
    status_code=status.HTTP_202_ACCEPTED,
)
def train(
    body: TrainRequest, key: Scientist, session: SessionDep, request: Request, tasks: BackgroundTasks
) -> TrainingJobPublic:
    """Starts training on the catalogue and the reviews; poll the job for its status."""
    return _start(TrainingJob(ranker=body.ranker, started_by=key.id), session, request, tasks)


@router.post(
    "/{version_id}/evaluate",
    operation_id="evaluate_model",
    summary="Evaluate a version's recipe on the history (grouped 5-fold), in the background",
    status_code=status.HTTP_202_ACCEPTED,
)
def evaluate(
    version_id: str, key: Scientist, session: SessionDep, request: Request, tasks: BackgroundTasks
) -> TrainingJobPublic:
    """The metrics land on the version (GET /models) when the job is done."""
    row = session.get(ModelVersion, version_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"model version {version_id} not found")
    job = TrainingJob(kind="evaluate", ranker=row.ranker, model_version=version_id, started_by=key.id)
    return _start(job, session, request, tasks)


@router.get("/jobs/{job_id}", operation_id="read_training_job", summary="Poll a training job")
def read_job(job_id: RowId, key: Scientist, session: SessionDep) -> TrainingJobPublic:
    """queued, running, done (with the new version) or failed (with the reason)."""
    job = session.get(TrainingJob, job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"training job {job_id} not found")
    return _job_public(job)


@router.post("/{version_id}/activate", operation_id="activate_model", summary="Make a version the active one")
def activate(version_id: str, key: Scientist, request: Request) -> ModelVersionPublic:
    """Every worker swaps to it within a second, without a restart; a file whose checksum fails is refused."""
    row = activate_version(request.app.state.engine, version_id, key.id)
    request.app.state.matcher.refresh()
    return _public(row)


@router.post("/rollback", operation_id="rollback_model", summary="Re-activate the previously active version")
def rollback(key: Scientist, request: Request) -> ModelVersionPublic:
    """The version active before the current one becomes active again; a second roll-back goes one
    step further back through the activation history."""
    row = roll_back(request.app.state.engine, key.id)
    request.app.state.matcher.refresh()
    return _public(row)
