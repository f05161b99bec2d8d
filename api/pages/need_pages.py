"""Pages of needs: the list, the form, one need with its suggestions and their reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from api.deps import RowId, SessionDep
from api.needs_store import (
    latest_decisions,
    latest_suggestions,
    resolved_need,
    store_need,
    store_suggestions,
    visible_need,
)
from api.pages.charts import waterfall
from api.pages.rendering import redirect, render
from api.pages.session import CSRF, User, allow
from api.pages.triad_view import triad_view
from features.errors import SSTCError
from models import Country, Decision, Facilitator, Need, NeedCreate, Provider, Review, Role, Suggestion

router = APIRouter(include_in_schema=False)


@router.get("/needs")
def my_needs(request: Request, user: User, session: SessionDep) -> HTMLResponse:
    query = select(Need).order_by(col(Need.id).desc())
    if user.role == Role.country_office:
        query = query.where(Need.country == user.country)
    return render(request, "needs.html", user, needs=session.exec(query.limit(200)).all())


@router.get("/needs/new")
def new_need_page(request: Request, user: User) -> HTMLResponse:
    allow(user, Role.country_office, Role.helpdesk)
    return render(request, "need_form.html", user, form={})


@router.post("/needs/new")
def new_need(
    request: Request,
    user: User,
    session: SessionDep,
    text: Annotated[str, Form()],
    title: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
    sdg: Annotated[list[int] | None, Form()] = None,
    sectors: Annotated[str, Form()] = "",
    modality: Annotated[list[str] | None, Form()] = None,
    language: Annotated[str, Form()] = "",
    budget_usd: Annotated[str, Form()] = "",
    _: None = CSRF,
) -> Response:
    allow(user, Role.country_office, Role.helpdesk)
    matcher = request.app.state.matcher.get()
    form = {
        "title": title,
        "text": text,
        "country": country,
        "sdg": sdg or [],
        "sectors": sectors,
        "modality": modality or [],
        "language": language,
        "budget_usd": budget_usd,
    }
    try:
        raw = NeedCreate(
            country=(user.country or "") if user.role == Role.country_office else country,
            title=title,
            text=text,
            sdg=sdg or [],
            sector=[s.strip() for s in sectors.split(",") if s.strip()],
            modality=modality or [],
            language=[lang.strip() for lang in language.split(",") if lang.strip()],
            budget_usd=int(budget_usd) if budget_usd.strip() else None,
        )
        resolved = matcher.resolve(raw)
    except (SSTCError, ValueError) as exc:
        return render(request, "need_form.html", user, form=form, error=str(exc), status_code=422)
    need = store_need(session, user, resolved)
    assert need.id is not None
    store_suggestions(session, need.id, matcher.recommend([resolved_need(need)])[0])
    return redirect(f"/needs/{need.id}")


@router.get("/needs/{need_id}")
def need_page(request: Request, need_id: RowId, user: User, session: SessionDep) -> HTMLResponse:
    need = visible_need(session, user, need_id)
    rows = latest_suggestions(session, need_id)
    ids = [r.id for r in rows if r.id is not None]
    decisions = latest_decisions(session, ids)
    history = session.exec(
        select(Review).where(col(Review.suggestion_id).in_(ids)).order_by(col(Review.id))
    ).all()
    names = {
        p.id: p.name
        for p in session.exec(select(Provider).where(col(Provider.id).in_({r.provider_id for r in rows})))
    }
    names |= {f.id: f.name for f in session.exec(select(Facilitator))}
    items = [
        {
            "row": r,
            "provider": names.get(r.provider_id, r.provider_id),
            "facilitator": names.get(r.facilitator_id or "", None),
            "decision": decisions.get(r.id or 0),
            "history": [h for h in history if h.suggestion_id == r.id],
            "chart": waterfall({"prior": r.prior, "score": r.score, "contributions": r.contributions}),
            "view": triad_view(r.contributions, r.reasons, r.match_strength, r.alternatives),
        }
        for r in rows
    ]
    country = session.get(Country, need.country)
    return render(
        request,
        "need.html",
        user,
        need=need,
        country=country,
        items=items,
        decisions=[d.value for d in Decision],
        can_review=user.role in (Role.helpdesk, Role.admin),
    )


@router.post("/needs/{need_id}/suggest")
def suggest(request: Request, need_id: RowId, user: User, session: SessionDep, _: None = CSRF) -> Response:
    allow(user, Role.country_office, Role.helpdesk)
    need = visible_need(session, user, need_id)
    store_suggestions(session, need_id, request.app.state.matcher.get().recommend([resolved_need(need)])[0])
    return redirect(f"/needs/{need_id}")


@router.post("/suggestions/{suggestion_id}/review")
def review(
    suggestion_id: RowId,
    user: User,
    session: SessionDep,
    decision: Annotated[Decision, Form()],
    comment: Annotated[str, Form(max_length=4000)] = "",
    _: None = CSRF,
) -> Response:
    allow(user, Role.helpdesk)
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"suggestion {suggestion_id} not found")
    session.add(Review(suggestion_id=suggestion_id, decision=decision, comment=comment, reviewer_id=user.id))
    session.commit()
    return redirect(f"/needs/{suggestion.need_id}#suggestion-{suggestion_id}")
