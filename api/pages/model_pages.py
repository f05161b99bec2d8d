"""Model version pages for data scientists: the versions with their figures; train and evaluate in
the background with their progress; activate and roll back, each after a confirmation that names
the version it replaces or restores."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from api.deps import SessionDep
from api.model_activations import rollback_target
from api.model_registry import ActivationError, activate_version, active_version, roll_back
from api.pages.enum_words import JOB_KINDS, RANKERS, said
from api.pages.page_language import N_, gettext
from api.pages.rendering import redirect, render
from api.pages.session import CSRF, User, allow
from api.routes.models import queue_job
from matching.evaluation_runner import RANKER_NAMES
from matching.persistence import ModelFileError
from models import ModelVersion, Role, TrainingJob

router = APIRouter(include_in_schema=False)
RECENT_JOBS = 5
Confirmed = Annotated[str, Form()]
# What the page says after an action, by the key its redirect carries (`?done=` or `?error=`), with
# the values the redirect names; a key the page does not know shows nothing.
DONE = {
    "started": N_("Job {job} started ({kind} {what})"),
    "activated": N_("{version} is now the active version"),
    "rolled-back": N_("Rolled back: {version} is the active version again"),
}
ERRORS = {
    "no-ranker": N_("There is no ranker called {ranker}; choose one from the list"),
    "no-version": N_("That model version does not exist"),
    "no-earlier": N_("There is no earlier active version to roll back to"),
    "cannot-load": N_("{version} cannot be loaded, so it stays inactive: its files do not pass their checks"),
    "changed": N_("{version} changed while it was being checked; try again"),
}


def message(words: dict[str, str], key: str, query: dict[str, str]) -> str:
    """The message a redirect's key names, in the page's language, with the values the redirect
    carries (cut to 60 characters: a link can be typed by anyone; the page escapes them)."""
    if key not in words:
        return ""
    values = {name: query.get(name, "")[:60] for name in ("version", "job", "ranker")}
    values |= {
        "kind": said(JOB_KINDS, query.get("kind", "")[:20]),
        "what": said(RANKERS, query.get("what", "")[:60]),
    }
    return gettext(words[key]).format(**values)


def _to_models(**query: str) -> Response:
    return redirect("/models?" + urlencode(query))


@router.get("/models")
def models_page(request: Request, user: User, session: SessionDep) -> HTMLResponse:
    allow(user, Role.data_scientist)
    query = dict(request.query_params)
    error, done = message(ERRORS, query.get("error", ""), query), message(DONE, query.get("done", ""), query)
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
    return _to_models(done="started", job=str(job.id), kind=job.kind, what=job.model_version or job.ranker)


@router.post("/models/train")
def train(
    request: Request, tasks: BackgroundTasks, user: User, session: SessionDep,
    ranker: Annotated[str, Form()] = "learned", _: None = CSRF,
) -> Response:  # fmt: skip
    allow(user, Role.data_scientist)
    if ranker not in RANKER_NAMES:
        return _to_models(error="no-ranker", ranker=repr(ranker[:40]))
    return _start(request, tasks, session, TrainingJob(ranker=ranker, started_by=user.id))


@router.post("/models/{version_id}/evaluate")
def evaluate(
    request: Request, version_id: str, tasks: BackgroundTasks, user: User, session: SessionDep, _: None = CSRF
) -> Response:
    allow(user, Role.data_scientist)
    row = session.get(ModelVersion, version_id)
    if row is None:
        return _to_models(error="no-version")
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
    except LookupError:
        return _to_models(error="no-version")
    except ActivationError as exc:
        return _to_models(error=_refusal(exc), version=version_id)
    request.app.state.matcher.refresh()
    return _to_models(done="activated", version=version_id)


@router.post("/models/rollback")
def rollback(request: Request, user: User, confirm: Confirmed = "", _: None = CSRF) -> Response:
    allow(user, Role.data_scientist)
    engine = request.app.state.engine
    target, current = rollback_target(engine), active_version(engine)
    if target is None:
        return _to_models(error="no-earlier")
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
        return _to_models(error=_refusal(exc), version=target.id)
    request.app.state.matcher.refresh()
    return _to_models(done="rolled-back", version=restored.id)


def _refusal(exc: ActivationError) -> str:
    """Why a version was not activated: its files failed their checks, or it changed meanwhile."""
    return "cannot-load" if isinstance(exc.__cause__, ModelFileError) else "changed"


def _shown(version: ModelVersion | None) -> str:
    return version.id if version else gettext("no version")
