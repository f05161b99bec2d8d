from __future__ import annotations

from datetime import datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import Response
from sqlmodel import col, select

from api.deps import CurrentKey, MatcherDep, RowId, SessionDep, require
from api.needs_store import (
    check_country,
    latest_decisions,
    latest_suggestions,
    need_public,
    resolved_need,
    store_need,
    store_suggestions,
    suggestion_public,
    visible_need,
)
from api.triad_follow_up import FollowUpRefused, close_need
from matching.answers import Explain
from models import ApiKey, Facilitator, Need, NeedCreate, NeedStatus, Provider, Role
from models.schemas import MatchAnswer, NeedCloseRequest, NeedPublic, Page, SuggestionPublic

router = APIRouter(prefix="/api/v1", tags=["needs"])
Writer = Annotated[ApiKey, Depends(require(Role.country_office, Role.helpdesk))]
CLOSER = "the help desk closes a need, with its outcome"
Closer = Annotated[ApiKey, Depends(require(Role.helpdesk, why=CLOSER))]


@router.post(
    "/needs", operation_id="create_need", summary="State a need", status_code=status.HTTP_201_CREATED
)
def create_need(body: NeedCreate, key: Writer, session: SessionDep, matcher: MatcherDep) -> NeedPublic:
    """Validate and resolve a need (country, sectors, modalities) and store it."""
    need = store_need(session, key, matcher.resolve(body))
    return need_public(need)


@router.get("/needs", operation_id="list_needs", summary="List needs")
def list_needs(
    key: CurrentKey,
    session: SessionDep,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    need_status: Annotated[NeedStatus | None, Query(alias="status")] = None,
    sdg: Annotated[int | None, Query(ge=1, le=17)] = None,
    sector: Annotated[str | None, Query(pattern=r"^[0-9]{3}$")] = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[NeedPublic]:
    """Needs the caller may see (a country office: its own country's only), newest first."""
    query = select(Need)
    if key.role == Role.country_office:
        query = query.where(Need.country == key.country)
    if country:
        query = query.where(Need.country == country)
    if need_status:
        query = query.where(Need.status == need_status)
    if created_after:
        query = query.where(Need.created_at >= created_after)
    if created_before:
        query = query.where(Need.created_at < created_before)
    needs = session.exec(query.order_by(col(Need.id).desc())).all()
    # SDG and sector live in JSON lists: filtered here, the same on SQLite and PostgreSQL
    needs = [n for n in needs if (sdg is None or sdg in n.sdgs) and (sector is None or sector in n.sectors)]
    return Page(data=[need_public(n) for n in needs[offset : offset + limit]], count=len(needs))


@router.get("/needs/{need_id}", operation_id="read_need", summary="Read a need")
def read_need(need_id: RowId, key: CurrentKey, session: SessionDep) -> NeedPublic:
    """One need; another country's need is a 404 for a country office."""
    return need_public(visible_need(session, key, need_id))


@router.post("/needs/{need_id}/close", operation_id="close_need", summary="Close a need with its outcome")
def close(need_id: RowId, body: NeedCloseRequest, key: Closer, session: SessionDep) -> NeedPublic:
    """Close an open need with its outcome and an optional comment; it leaves the review queue."""
    need = visible_need(session, key, need_id)
    try:
        close_need(session, need, body.outcome, body.comment, key)
    except FollowUpRefused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    session.refresh(need)
    return need_public(need)


@router.post(
    "/needs/{need_id}/suggestions",
    operation_id="suggest_for_need",
    summary="Run the active model on a need and store the ranked list",
    status_code=status.HTTP_201_CREATED,
)
def suggest(
    need_id: RowId,
    key: Writer,
    session: SessionDep,
    matcher: MatcherDep,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[SuggestionPublic]:
    """Ranked triads with explanations, stored with the model version and data snapshot."""
    need = visible_need(session, key, need_id)
    assert need.id is not None
    answer = matcher.recommend([resolved_need(need, k)])[0]
    rows = store_suggestions(session, need.id, answer)
    return [
        SuggestionPublic.model_validate({**s, "id": row.id})
        for s, row in zip(answer["suggestions"], rows, strict=True)
    ]


@router.get("/needs/{need_id}/suggestions", operation_id="list_suggestions", summary="The stored ranked list")
def stored_suggestions(need_id: RowId, key: CurrentKey, session: SessionDep) -> list[SuggestionPublic]:
    """The latest stored list for a need, each suggestion with its current decision."""
    need = visible_need(session, key, need_id)
    assert need.id is not None
    rows = latest_suggestions(session, need.id)
    names: dict[str, tuple[str, str | None]] = {}
    for provider in session.exec(select(Provider).where(col(Provider.id).in_({r.provider_id for r in rows}))):
        names[f"p:{provider.id}"] = (provider.name, provider.country)
    wanted = {r.facilitator_id for r in rows if r.facilitator_id}
    for facilitator in session.exec(select(Facilitator).where(col(Facilitator.id).in_(wanted))):
        names[f"f:{facilitator.id}"] = (facilitator.name, None)
    decisions = latest_decisions(session, [r.id for r in rows if r.id is not None])
    return [suggestion_public(r, names, decisions.get(r.id or 0)) for r in rows]


@router.post(
    "/match",
    operation_id="match",
    summary="Answer an ad-hoc need without storing it",
    response_model=MatchAnswer,
)
def match(
    body: NeedCreate,
    key: CurrentKey,
    matcher: MatcherDep,
    explain: Annotated[
        Explain,
        Query(
            description="`full`: every contribution record; `top`: the 5 largest per suggestion and "
            "one record summing the rest (the sum rule still holds); `none`: the ranked triads only"
        ),
    ] = "full",
) -> Response:
    """The same JSON as `sstc recommend --format json`."""
    need = matcher.resolve(body)
    check_country(key, need.country)
    # The engine's answer already has MatchAnswer's shape (the tests hold it to the schema);
    # validating its few hundred explanation records again would cost more than computing them,
    # and orjson writes the JSON several times faster than pydantic-core or the json module.
    answer = matcher.recommend([need], explain=explain)[0]
    return Response(orjson.dumps(answer), media_type="application/json")
