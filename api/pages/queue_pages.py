"""The helpdesk's review queue: open needs with suggestions still to review, filtered and paged.

Every filter is read by `FilterForm`: blank means no filter, and a value it cannot understand is
named on the page (and left out of the filtering) instead of failing the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from api.deps import SessionDep
from api.needs_store import latest_decisions, latest_suggestions
from api.pages.export_pages import csv_download
from api.pages.page_filters import FilterForm
from api.pages.page_language import N_
from api.pages.rendering import render
from api.pages.session import User, allow
from features.catalogue import country_resolver
from models import Country, Need, NeedStatus, Role

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
LABELS = {"region": N_("region"), "country": N_("country"), "sdg": N_("SDG"), "sector": N_("sector"),
          "status": N_("status"), "max_age_days": N_("age in days"), "page": N_("page")}  # fmt: skip
QUEUE_COLUMNS = ("need", "title", "country", "country code", "sub-region", "SDGs", "sectors",
                 "suggestions", "decided", "created", "status")  # fmt: skip


@dataclass
class PendingNeeds:
    """The queue's filters as read, and the needs they select that still have triads to decide."""

    form: FilterForm
    needs: list[Need]
    counts: dict[int | None, tuple[int, int]]
    countries: dict[str, Country]
    regions: set[str]
    sub_regions: set[str]
    need_status: str
    page: int


def pending_needs(request: Request, session: SessionDep) -> PendingNeeds:
    """The one query behind the queue page and its CSV: the filters in the query string, blank = none."""
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
    return PendingNeeds(form, pending, counts, countries, regions, sub_regions, need_status, page)


@router.get("/queue")
def queue(request: Request, user: User, session: SessionDep) -> HTMLResponse:
    allow(user, Role.helpdesk)
    found = pending_needs(request, session)
    pages = max(1, -(-len(found.needs) // PAGE_SIZE))
    page = min(found.page, pages)
    return render(
        request,
        "queue.html",
        user,
        status_code=422 if found.form.problems else 200,
        needs=found.needs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        counts=found.counts,
        countries=found.countries,
        total=len(found.needs),
        page=page,
        pages=pages,
        regions=sorted(found.regions),
        sub_regions=sorted(found.sub_regions),
        filters=found.form.typed,
        need_status=found.need_status,
        problems=found.form.problems,
        previous_url=request.url.include_query_params(page=page - 1),
        next_url=request.url.include_query_params(page=page + 1),
        csv_url=request.url.replace(path="/queue.csv").remove_query_params("page"),
    )


@router.get("/queue.csv")
def queue_csv(request: Request, user: User, session: SessionDep) -> Response:
    """Every need the queue's filters select (all pages), one row each; a filter not understood is
    left out, as on the page."""
    allow(user, Role.helpdesk)
    found = pending_needs(request, session)
    rows = []
    for n in found.needs:
        country = found.countries[n.country]
        suggested, decided = found.counts[n.id]
        rows.append([
            n.id, n.title or n.text[:80], country.name, n.country, country.sub_region,
            " ".join(str(s) for s in n.sdgs), " ".join(n.sectors), suggested, decided,
            n.created_at.date().isoformat(), n.status.value,
        ])  # fmt: skip
    return csv_download(rows, QUEUE_COLUMNS, "review-queue.csv")


def _regions_of(country: Country) -> set[str]:
    return {country.region, country.sub_region, country.intermediate_region}
