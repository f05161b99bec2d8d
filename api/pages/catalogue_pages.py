"""Catalogue pages: search providers and facilitators, and one profile with its partnerships."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from api.deps import SessionDep
from api.pages.rendering import render
from api.pages.session import User
from features.catalogue_search import search
from models import Facilitator, Partnership, PartnershipFacilitator, PartnershipProvider, Provider
from models.catalogue import FacilitatorBase, ProviderBase

router = APIRouter(include_in_schema=False)


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
