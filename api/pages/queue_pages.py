"""The helpdesk's review queue: open needs with suggestions still to review, filtered and paged.

Every filter is read by `FilterForm`: blank means no filter, and a value it cannot understand is
named on the page (and left out of the filtering) instead of failing the request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from api.deps import SessionDep
from api.needs_store import latest_decisions, latest_suggestions
from api.pages.page_filters import FilterForm
from api.pages.rendering import render
from api.pages.session import User, allow
from features.catalogue import country_resolver
from models import Country, Need, NeedStatus, Role

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
LABELS = {"region": "region", "country": "country", "sdg": "SDG", "sector": "sector",
          "status": "status", "max_age_days": "age in days", "page": "page"}  # fmt: skip


@router.get("/queue")
def queue(request: Request, user: User, session: SessionDep) -> HTMLResponse:
    allow(user, Role.helpdesk)
    countries = {c.iso3: c for c in session.exec(select(Country))}
    regions = {c.region for c in countries.values() if c.region}
    sub_regions = {r for c in countries.values() for r in (c.sub_region, c.intermediate_region) if r}
    form = FilterForm(request.query_params, LABELS)
    region = form.region("region", regions | sub_regions)
    country = form.country("country", country_resolver(list(countries.values())))
    sdgs = form.terms("sdg", "sdg")
    sectors = form.terms("sector", "sector")
    need_status = form.choice("status", ("open", "closed", "any"), "open")
    max_age_days = form.whole_number("max_age_days")
    page = form.whole_number("page", minimum=1) or 1

    query = select(Need).order_by(col(Need.created_at))
    if need_status != "any":
        query = query.where(Need.status == NeedStatus(need_status))
    if country:
        query = query.where(Need.country == country)
    if max_age_days is not None:
        query = query.where(Need.created_at >= datetime.now(UTC) - timedelta(days=max_age_days))
    needs = [
        n
        for n in session.exec(query).all()
        if (not region or region in _regions_of(countries[n.country]))
        and (sdgs is None or not sdgs.isdisjoint(str(s) for s in n.sdgs))
        and (sectors is None or not sectors.isdisjoint(n.sectors))
    ]
    counts = {}
    for n in needs:
        rows = latest_suggestions(session, n.id or 0)
        decided = latest_decisions(session, [r.id for r in rows if r.id is not None])
        counts[n.id] = (len(rows), len(decided))
    pending = [n for n in needs if counts[n.id][0] > counts[n.id][1]]
    pages = max(1, -(-len(pending) // PAGE_SIZE))
    page = min(page, pages)
    return render(
        request,
        "queue.html",
        user,
        status_code=422 if form.problems else 200,
        needs=pending[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        counts=counts,
        countries=countries,
        total=len(pending),
        page=page,
        pages=pages,
        regions=sorted(regions),
        sub_regions=sorted(sub_regions),
        filters=form.typed,
        need_status=need_status,
        problems=form.problems,
        previous_url=request.url.include_query_params(page=page - 1),
        next_url=request.url.include_query_params(page=page + 1),
    )


def _regions_of(country: Country) -> set[str]:
    return {country.region, country.sub_region, country.intermediate_region}
