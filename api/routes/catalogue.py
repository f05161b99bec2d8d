from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from sqlmodel import SQLModel, col, select

from api.deps import CurrentKey, SessionDep
from features.catalogue_search import search
from models import Country, Facilitator, Provider
from models.catalogue import CountryBase, FacilitatorBase, ProviderBase
from models.schemas import Page

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


def _get(session: SessionDep, table: type[SQLModel], key: str, what: str) -> Any:
    row = session.get(table, key)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{what} {key} not found")
    return row


@router.get("/countries", operation_id="list_countries", summary="List countries")
def list_countries(key: CurrentKey, session: SessionDep) -> Page[CountryBase]:
    """Every country and territory of the catalogue, by ISO3."""
    rows = session.exec(select(Country).order_by(col(Country.iso3))).all()
    return Page(
        data=[CountryBase.model_validate(r.model_dump(warnings=False)) for r in rows], count=len(rows)
    )


@router.get("/countries/{iso3}", operation_id="read_country", summary="Read a country")
def read_country(iso3: str, key: CurrentKey, session: SessionDep) -> CountryBase:
    """One country's facts."""
    return CountryBase.model_validate(
        _get(session, Country, iso3.upper(), "country").model_dump(warnings=False)
    )


Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/providers", operation_id="list_providers", summary="List and search providers")
def list_providers(
    key: CurrentKey,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Fuzzy search by name")] = None,
    sdg: Annotated[int | None, Query(ge=1, le=17)] = None,
    sector: Annotated[str | None, Query(pattern=r"^[0-9]{3}$")] = None,
    region: Annotated[str | None, Query(max_length=60)] = None,
    limit: Limit = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[ProviderBase]:
    """Providers filtered by SDG, sector and region served; `q` ranks by name similarity."""
    rows = [
        ProviderBase.model_validate(r.model_dump(warnings=False))
        for r in session.exec(select(Provider).order_by(col(Provider.id)))
    ]
    found = search(rows, q, sdg, sector, region)
    return Page(data=found[offset : offset + limit], count=len(found))


@router.get("/providers/{provider_id}", operation_id="read_provider", summary="Read a provider")
def read_provider(provider_id: str, key: CurrentKey, session: SessionDep) -> ProviderBase:
    """One provider's profile."""
    return ProviderBase.model_validate(
        _get(session, Provider, provider_id, "provider").model_dump(warnings=False)
    )


@router.get("/facilitators", operation_id="list_facilitators", summary="List and search facilitators")
def list_facilitators(
    key: CurrentKey,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Fuzzy search by name")] = None,
    sdg: Annotated[int | None, Query(ge=1, le=17)] = None,
    sector: Annotated[str | None, Query(pattern=r"^[0-9]{3}$")] = None,
    region: Annotated[str | None, Query(max_length=60)] = None,
    limit: Limit = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[FacilitatorBase]:
    """Facilitators filtered by SDG, sector and eligible region; `q` ranks by name similarity."""
    rows = [
        FacilitatorBase.model_validate(r.model_dump(warnings=False))
        for r in session.exec(select(Facilitator).order_by(col(Facilitator.id)))
    ]
    found = search(rows, q, sdg, sector, region)
    return Page(data=found[offset : offset + limit], count=len(found))


@router.get("/facilitators/{facilitator_id}", operation_id="read_facilitator", summary="Read a facilitator")
def read_facilitator(facilitator_id: str, key: CurrentKey, session: SessionDep) -> FacilitatorBase:
    """One facilitator's profile."""
    row = _get(session, Facilitator, facilitator_id, "facilitator")
    return FacilitatorBase.model_validate(row.model_dump(warnings=False))
