"""Catalogue pages: search providers and facilitators, and one profile with its partnerships."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from api.deps import SessionDep
from api.pages import catalogue_words
from api.pages.page_filters import FilterForm
from api.pages.page_language import N_, gettext
from api.pages.rendering import render
from api.pages.session import User
from features.catalogue_search import search
from models import Facilitator, Partnership, PartnershipFacilitator, PartnershipProvider, Provider
from models.catalogue import FacilitatorBase, ProviderBase

router = APIRouter(include_in_schema=False)
MISSING = {"providers": N_("There is no provider {id} in the catalogue."),
           "facilitators": N_("There is no facilitator {id} in the catalogue.")}  # fmt: skip
SEARCH_LABELS = {
    "q": N_("name"),
    "kind": N_("kind"),
    "sdg": N_("SDG"),
    "sector": N_("sector"),
    "region": N_("region"),
}


@router.get("/catalogue")
def catalogue_page(request: Request, user: User, session: SessionDep) -> HTMLResponse:
    form = FilterForm(request.query_params, SEARCH_LABELS)
    q = form.text("q")
    kind = form.choice("kind", ("providers", "facilitators"), "providers")
    sdgs = form.terms("sdg", "sdg")
    sectors = form.terms("sector", "sector")
    region = form.region("region")
    table, base = (Facilitator, FacilitatorBase) if kind == "facilitators" else (Provider, ProviderBase)
    rows = [
        row
        for r in session.exec(select(table).order_by(col(table.id)))
        if (row := base.model_validate(r.model_dump(warnings=False)))
        and (sdgs is None or not sdgs.isdisjoint(str(s) for s in row.sdgs))
        and (sectors is None or not sectors.isdisjoint(row.sectors))
    ]
    matches = search(rows, q, None, None, region)
    return render(
        request,
        "catalogue.html",
        user,
        status_code=422 if form.problems else 200,
        results=matches[:100],
        count=len(matches),
        kind=kind,
        filters=form.typed,
        problems=form.problems,
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
        missing = MISSING.get(kind, N_("There is no such page in the catalogue."))
        raise HTTPException(status.HTTP_404_NOT_FOUND, gettext(missing).format(id=entity_id[:60]))
    history = session.exec(
        select(Partnership).where(col(Partnership.id).in_(link_ids)).order_by(col(Partnership.year_start))
    ).all()
    return render(
        request,
        "profile.html",
        user,
        entity=entity,
        kind=kind,
        history=history,
        imported_from_label=catalogue_words.imported_from,
    )
