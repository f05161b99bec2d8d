"""Model version pages for data scientists: the versions with their figures; train and evaluate in
the background with their progress; activate and roll back, each after a confirmation that names
the version it replaces or restores."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from api.deps import SessionDep
from api.model_activations import rollback_target
from api.model_registry import ActivationError, activate_version, active_version, roll_back
from api.pages.page_language import gettext
from api.pages.rendering import redirect, render
from api.pages.session import CSRF, User, allow
from api.routes.models import queue_job
from matching.evaluation_runner import RANKER_NAMES
from models import ModelVersion, Role, TrainingJob

router = APIRouter(include_in_schema=False)
RECENT_JOBS = 5
Confirmed = Annotated[str, Form()]


@router.get("/models")
def models_page(
    request: Request, user: User, session: SessionDep, error: str = "", done: str = ""
) -> HTMLResponse:
    allow(user, Role.data_scientist)
    versions = session.exec(select(ModelVersion).order_by(col(ModelVersion.created_at).desc())).all()
    jobs = session.exec(select(TrainingJob).order_by(col(TrainingJob.id).desc()).limit(RECENT_JOBS)).all()
    target = rollback_target(request.app.state.engine)
    return render(
        request, "models.html", user, versions=versions, jobs=jobs, error=error, done=done,
        rollback_to=target.id if target else None, rankers=RANKER_NAMES,
        running=any(j.status in ("queued", "running") for j in jobs),
        targets=("provider", "facilitator", "triad"), metrics=("hit@10", "mrr"),
    )  # fmt: skip


def _start(request: Request, tasks: BackgroundTasks, session: SessionDep, job: TrainingJob) -> Response:
    job = queue_job(job, session, request, tasks)
    return redirect(f"/models?done=Job {job.id} started ({job.kind} {job.model_version or job.ranker})")


@router.post("/models/train")
def train(
    request: Request, tasks: BackgroundTasks, user: User, session: SessionDep,
    ranker: Annotated[str, Form()] = "learned", _: None = CSRF,
) -> Response:  # fmt: skip
    allow(user, Role.data_scientist)
    if ranker not in RANKER_NAMES:
        return redirect(f"/models?error=There is no ranker called {ranker[:40]!r}; choose one from the list")
    return _start(request, tasks, session, TrainingJob(ranker=ranker, started_by=user.id))


@router.post("/models/{version_id}/evaluate")
def evaluate(
    request: Request, version_id: str, tasks: BackgroundTasks, user: User, session: SessionDep, _: None = CSRF
) -> Response:
    allow(user, Role.data_scientist)
    row = session.get(ModelVersion, version_id)
    if row is None:
        return redirect("/models?error=That model version does not exist")
    job = TrainingJob(kind="evaluate", ranker=row.ranker, model_version=version_id, started_by=user.id)
    return _start(request, tasks, session, job)


@router.post("/models/{version_id}/activate")
def activate(
    request: Request, version_id: str, user: User, confirm: Confirmed = "", _: None = CSRF
) -> Response:
    allow(user, Role.data_scientist)
    engine = request.app.state.engine
    if confirm != "yes":
        current = active_version(engine)
        return render(request, "model_confirm.html", user, action=f"/models/{version_id}/activate",
                      question=gettext("Activate {version}?").format(version=version_id),
                      confirm=gettext("Yes, activate {version}").format(version=version_id),
                      effect=gettext("It replaces {current} as the active model; every worker switches "
                                     "within a second.").format(current=_shown(current)))  # fmt: skip
    try:
        activate_version(engine, version_id, user.id)
    except (ActivationError, LookupError) as exc:
        return redirect(f"/models?error={exc}")
    request.app.state.matcher.refresh()
    return redirect(f"/models?done={version_id} is now the active version")


@router.post("/models/rollback")
def rollback(request: Request, user: User, confirm: Confirmed = "", _: None = CSRF) -> Response:
    allow(user, Role.data_scientist)
    engine = request.app.state.engine
    target, current = rollback_target(engine), active_version(engine)
    if target is None:
        return redirect("/models?error=There is no earlier active version to roll back to")
    if confirm != "yes":
        return render(request, "model_confirm.html", user, action="/models/rollback",
                      question=gettext("Roll back to {version}?").format(version=target.id),
                      confirm=gettext("Yes, roll back to {version}").format(version=target.id),
                      effect=gettext("It replaces {current}, which stays available to activate again; a "
                                     "second roll-back goes further back, not back to it.").format(
                          current=_shown(current)))  # fmt: skip
    try:
        restored = roll_back(engine, user.id)
    except ActivationError as exc:
        return redirect(f"/models?error={exc}")
    request.app.state.matcher.refresh()
    return redirect(f"/models?done=Rolled back: {restored.id} is the active version again")


def _shown(version: ModelVersion | None) -> str:
    return version.id if version else gettext("no version")
