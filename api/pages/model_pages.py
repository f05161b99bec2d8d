"""Model version pages for data scientists: the versions with their figures, activate, roll back."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from api.deps import SessionDep
from api.model_registry import ActivationError, activate_version, previous_version
from api.pages.rendering import redirect, render
from api.pages.session import CSRF, User, allow
from models import ModelVersion, Role

router = APIRouter(include_in_schema=False)


@router.get("/models")
def models_page(request: Request, user: User, session: SessionDep, error: str = "") -> HTMLResponse:
    allow(user, Role.data_scientist)
    versions = session.exec(select(ModelVersion).order_by(col(ModelVersion.created_at).desc())).all()
    return render(
        request,
        "models.html",
        user,
        versions=versions,
        error=error,
        targets=("provider", "facilitator", "triad"),
        metrics=("hit@1", "hit@10", "ndcg@10", "mrr"),
    )


@router.post("/models/{version_id}/activate")
def activate(request: Request, version_id: str, user: User, _: None = CSRF) -> Response:
    allow(user, Role.data_scientist)
    try:
        activate_version(request.app.state.engine, version_id)
    except (ActivationError, LookupError) as exc:
        return redirect(f"/models?error={exc}")
    request.app.state.matcher.refresh()
    return redirect("/models")


@router.post("/models/rollback")
def rollback(request: Request, user: User, _: None = CSRF) -> Response:
    allow(user, Role.data_scientist)
    previous = previous_version(request.app.state.engine)
    if previous is None:
        return redirect("/models?error=no earlier active version to roll back to")
    activate_version(request.app.state.engine, previous.id)
    request.app.state.matcher.refresh()
    return redirect("/models")
