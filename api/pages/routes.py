"""Page routes: thin, like the API's; the pages show only what the signed-in role may see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import col, select

from api.deps import RowId, SessionDep
from api.model_registry import ActivationError, activate_version, previous_version
from api.needs_store import (
    latest_decisions,
    latest_suggestions,
    resolved_need,
    store_need,
    store_suggestions,
    visible_need,
)
from api.pages.charts import waterfall
from api.pages.session import CSRF, User, allow, csrf_token, sign_in
from api.security import find_key
from features.catalogue_search import search
from features.errors import SSTCError
from features.taxonomy import default_taxonomy
from models import (
    Country,
    Decision,
    Facilitator,
    ModelStatus,
    ModelVersion,
    Need,
    NeedCreate,
    NeedStatus,
    Partnership,
    PartnershipFacilitator,
    PartnershipProvider,
    Provider,
    Review,
    Role,
    Suggestion,
)
from models.catalogue import FacilitatorBase, ProviderBase

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
PAGE_SIZE = 20
HOME = {
    Role.country_office: "/needs",
    Role.helpdesk: "/queue",
    Role.data_scientist: "/models",
    Role.admin: "/queue",
}


def render(
    request: Request, name: str, user: Any = None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.update(user=user, csrf=csrf_token(request), taxonomy=default_taxonomy())
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html")


@router.post("/login")
def login(
    request: Request, session: SessionDep, key: Annotated[str, Form()] = "", _: None = CSRF
) -> Response:
    found = find_key(session, key.strip())
    if found is None:
        return render(
            request, "login.html", error="That API key is not valid or was revoked.", status_code=401
        )
    sign_in(request, session, found)
    return redirect(HOME[found.role])


@router.post("/logout")
def logout(request: Request, _: None = CSRF) -> Response:
    request.session.clear()
    return redirect("/login")


@router.get("/")
def home(user: User) -> Response:
    return redirect(HOME[user.role])


# ----- needs ------------------------------------------------------------------------------
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


# ----- the review queue ---------------------------------------------------------------------
@router.get("/queue")
def queue(
    request: Request,
    user: User,
    session: SessionDep,
    region: str = "",
    country: str = "",
    sdg: Annotated[int | None, Query(ge=1, le=17)] = None,
    sector: str = "",
    need_status: Annotated[str, Query(alias="status")] = "open",
    max_age_days: Annotated[int | None, Query(ge=0)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    allow(user, Role.helpdesk)
    countries = {c.iso3: c for c in session.exec(select(Country))}
    query = select(Need).order_by(col(Need.created_at))
    if need_status in ("open", "closed"):
        query = query.where(Need.status == NeedStatus(need_status))
    if country:
        query = query.where(Need.country == country.upper())
    if max_age_days is not None:
        query = query.where(Need.created_at >= datetime.now(UTC) - timedelta(days=max_age_days))
    needs = [
        n
        for n in session.exec(query).all()
        if (not region or region in {countries[n.country].region, countries[n.country].sub_region})
        and (sdg is None or sdg in n.sdgs)
        and (not sector or sector in n.sectors)
    ]
    counts = {}
    for n in needs:
        rows = latest_suggestions(session, n.id or 0)
        decided = latest_decisions(session, [r.id for r in rows if r.id is not None])
        counts[n.id] = (len(rows), len(decided))
    pending = [n for n in needs if counts[n.id][0] > counts[n.id][1]]
    pages = max(1, -(-len(pending) // PAGE_SIZE))
    shown = pending[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    regions = sorted({c.region for c in countries.values() if c.region})
    return render(
        request,
        "queue.html",
        user,
        needs=shown,
        counts=counts,
        countries=countries,
        total=len(pending),
        page=page,
        pages=pages,
        regions=regions,
        filters={
            "region": region,
            "country": country,
            "sdg": sdg or "",
            "sector": sector,
            "status": need_status,
            "max_age_days": "" if max_age_days is None else max_age_days,
        },
    )


# ----- the catalogue ------------------------------------------------------------------------
@router.get("/catalogue")
def catalogue_page(
    request: Request,
    user: User,
    session: SessionDep,
    q: str = "",
    kind: str = "providers",
    sdg: Annotated[int | None, Query(ge=1, le=17)] = None,
    sector: str = "",
    region: str = "",
) -> HTMLResponse:
    table, base = (Facilitator, FacilitatorBase) if kind == "facilitators" else (Provider, ProviderBase)
    rows = [
        base.model_validate(r.model_dump(warnings=False))
        for r in session.exec(select(table).order_by(col(table.id)))
    ]
    matches = search(rows, q or None, sdg, sector or None, region or None)
    found, count = matches[:100], len(matches)
    return render(
        request,
        "catalogue.html",
        user,
        results=found,
        count=count,
        kind=kind,
        filters={"q": q, "sdg": sdg or "", "sector": sector, "region": region},
    )


@router.get("/catalogue/{kind}/{entity_id}")
def profile(request: Request, kind: str, entity_id: str, user: User, session: SessionDep) -> HTMLResponse:
    if kind == "providers":
        entity: Any = session.get(Provider, entity_id)
        link_ids = select(PartnershipProvider.partnership_id).where(
            PartnershipProvider.provider_id == entity_id
        )
    elif kind == "facilitators":
        entity = session.get(Facilitator, entity_id)
        link_ids = select(PartnershipFacilitator.partnership_id).where(
            PartnershipFacilitator.facilitator_id == entity_id
        )
    else:
        entity = None
    if entity is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{kind[:-1]} {entity_id} not found")
    history = session.exec(
        select(Partnership).where(col(Partnership.id).in_(link_ids)).order_by(col(Partnership.year_start))
    ).all()
    return render(request, "profile.html", user, entity=entity, kind=kind, history=history)


# ----- model versions -----------------------------------------------------------------------
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


__all__ = ["ModelStatus", "router"]
