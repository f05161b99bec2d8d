"""Admins add and update providers and facilitators; every update is kept in an audit trail."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from fastapi import APIRouter, Body, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from sqlmodel import Session, SQLModel, col, select

from api.catalogue_store import record_change
from api.deps import SessionDep, require
from api.errors import field_error
from features.regions import region_problem
from features.taxonomy import default_taxonomy
from models import ApiKey, CatalogueChange, Country, Facilitator, Provider, Role
from models.catalogue import FacilitatorBase, ProviderBase

router = APIRouter(prefix="/api/v1", tags=["catalogue"])
Admin = Annotated[ApiKey, Depends(require())]
Auditor = Annotated[ApiKey, Depends(require(Role.helpdesk, Role.data_scientist))]


def partial(model: type[SQLModel]) -> type[BaseModel]:
    """The update body of a catalogue record: every field optional, the id not changeable."""
    fields: dict[str, Any] = {
        name: (Optional[info.annotation], None)  # noqa: UP045 (built at run time)
        for name, info in model.model_fields.items()
        if name != "id"
    }
    return create_model(
        f"{model.__name__.removesuffix('Base')}Update", __config__=ConfigDict(extra="forbid"), **fields
    )


ProviderUpdate = partial(ProviderBase)
FacilitatorUpdate = partial(FacilitatorBase)


def _unprocessable(field: str, message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [field_error(field, message, "value_error")])


MAX_ALIASES = 50


def check_vocabulary(session: Session, record: ProviderBase | FacilitatorBase) -> None:
    if len(record.aliases) > MAX_ALIASES:
        raise _unprocessable(
            "aliases", f"{len(record.aliases)} aliases; at most {MAX_ALIASES} are kept per record"
        )
    sectors = set(default_taxonomy().codes("sector"))
    for index, code in enumerate(record.sectors):
        if code not in sectors:
            raise _unprocessable(f"sectors.{index}", f"{code!r} is not a DAC sector code of the taxonomy")
    for index, region in enumerate(record.regions):
        problem = region_problem(region)
        if problem:
            raise _unprocessable(f"regions.{index}", f"{region!r} {problem}")
    countries = [("country", record.country)] if isinstance(record, ProviderBase) else []
    if isinstance(record, FacilitatorBase):
        countries = [(f"countries.{i}", c) for i, c in enumerate(record.countries)]
    for field, iso3 in countries:
        if session.get(Country, iso3) is None:
            raise _unprocessable(field, f"{iso3!r} is not a country of the catalogue")
    if isinstance(record, ProviderBase) and record.parent == record.id:
        raise _unprocessable(
            "parent", f"{record.parent!r} is the provider itself; a provider cannot be its own parent"
        )
    if isinstance(record, ProviderBase) and record.parent and session.get(Provider, record.parent) is None:
        raise _unprocessable("parent", f"{record.parent!r} is not a provider")
    if isinstance(record, FacilitatorBase):
        low, high = record.funding_min_usd, record.funding_max_usd
        if low is not None and high is not None and low > high:
            raise _unprocessable(
                "funding_min_usd", f"{low} is above funding_max_usd ({high}); the window must run low to high"
            )


def _who(key: ApiKey) -> str:
    return f"key {key.id} ({key.role.value})"


def _create(session: Session, key: ApiKey, table: type[SQLModel], entity: str, record: Any) -> Any:
    if session.get(table, record.id) is not None:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"{entity} {record.id} already exists; update it instead"
        )
    check_vocabulary(session, record)
    session.add(table.model_validate(record.model_dump(mode="json")))
    record_change(session, entity, record.id, None, record.model_dump(mode="json"), _who(key))
    session.commit()
    return record


def _update(
    session: Session,
    key: ApiKey,
    table: type[SQLModel],
    base: type[Any],
    entity: str,
    entity_id: str,
    body: BaseModel,
) -> Any:
    row = session.get(table, entity_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"{entity} {entity_id} not found")
    before = row.model_dump(mode="json", warnings=False)
    try:
        record = base.model_validate({**before, **body.model_dump(mode="json", exclude_unset=True)})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise _unprocessable(".".join(str(p) for p in error["loc"]), error["msg"]) from exc
    check_vocabulary(session, record)
    after = record.model_dump(mode="json")
    for name, value in after.items():
        setattr(row, name, value)
    record_change(session, entity, entity_id, before, after, _who(key))
    session.commit()
    return record


@router.post("/providers", operation_id="create_provider", summary="Add a provider", status_code=201)
def create_provider(body: ProviderBase, key: Admin, session: SessionDep) -> ProviderBase:
    """Admin only; the addition is recorded in the audit trail."""
    return _create(session, key, Provider, "provider", body)


@router.patch("/providers/{provider_id}", operation_id="update_provider", summary="Update a provider")
def update_provider(
    provider_id: str,
    key: Admin,
    session: SessionDep,
    body: Annotated[ProviderUpdate, Body()],  # type: ignore[valid-type]
) -> ProviderBase:
    """Admin only; the values before and after are kept in the audit trail."""
    return _update(session, key, Provider, ProviderBase, "provider", provider_id, body)


@router.post("/facilitators", operation_id="create_facilitator", summary="Add a facilitator", status_code=201)
def create_facilitator(body: FacilitatorBase, key: Admin, session: SessionDep) -> FacilitatorBase:
    """Admin only; the addition is recorded in the audit trail."""
    return _create(session, key, Facilitator, "facilitator", body)


@router.patch(
    "/facilitators/{facilitator_id}", operation_id="update_facilitator", summary="Update a facilitator"
)
def update_facilitator(
    facilitator_id: str,
    key: Admin,
    session: SessionDep,
    body: Annotated[FacilitatorUpdate, Body()],  # type: ignore[valid-type]
) -> FacilitatorBase:
    """Admin only; the values before and after are kept in the audit trail."""
    return _update(session, key, Facilitator, FacilitatorBase, "facilitator", facilitator_id, body)


@router.get(
    "/catalogue/changes", operation_id="list_catalogue_changes", summary="The catalogue's audit trail"
)
def changes(key: Auditor, session: SessionDep, entity_id: str | None = None) -> list[CatalogueChange]:
    """Every addition and update, newest first (filter by `entity_id`)."""
    query = select(CatalogueChange).order_by(col(CatalogueChange.id).desc())
    if entity_id:
        query = query.where(CatalogueChange.entity_id == entity_id)
    return list(session.exec(query).all())
