"""The helpdesk's review queue: open needs with suggestions still to review, filtered and paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from api.deps import SessionDep
from api.needs_store import latest_decisions, latest_suggestions
from api.pages.rendering import render
from api.pages.session import User, allow
from models import Country, Need, NeedStatus, Role

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


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
