"""Store the catalogue in the database and read it back.

`store_catalogue` runs in one transaction and is idempotent: rows are inserted, updated when
their content changed, and left alone otherwise; partnership links are made to match the files.
Rows that exist only in the database (added by an admin) are kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

from features.catalogue import Catalogue
from models import (
    CatalogueChange,
    Country,
    Facilitator,
    Partnership,
    PartnershipFacilitator,
    PartnershipProvider,
    Provider,
)
from models.catalogue import CountryBase, FacilitatorBase, ProviderBase
from models.history import PartnershipBase, PartnershipRecord


@dataclass
class StoreReport:
    inserted: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)


Outcome = Literal["inserted", "updated", "unchanged"]


def _upsert(session: Session, table: type[SQLModel], record: SQLModel, report: StoreReport) -> Outcome:
    row = table.model_validate(record.model_dump(mode="json"))
    key = str(table.__tablename__)
    existing = session.get(table, _primary_key(row))
    if existing is None:
        session.add(row)
        report.inserted[key] += 1
        return "inserted"
    if (before := existing.model_dump(mode="json", warnings=False)) != row.model_dump(mode="json"):
        for name, value in row.model_dump(mode="json").items():
            setattr(existing, name, value)
        if key in AUDITED:
            record_change(session, key, str(_primary_key(row)), before, row.model_dump(mode="json"), "seed")
        report.updated[key] += 1
        return "updated"
    report.unchanged[key] += 1
    return "unchanged"


AUDITED = ("provider", "facilitator")


def record_change(
    session: Session,
    entity: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    by: str,
) -> None:
    """One audit row per catalogue update, so that no change is ever silent."""
    change = CatalogueChange(entity=entity, entity_id=entity_id, before=before, after=after, changed_by=by)
    session.add(change)


def _primary_key(row: SQLModel) -> object:
    columns = row.__table__.primary_key.columns  # type: ignore[attr-defined]
    values = tuple(getattr(row, c.name) for c in columns)
    return values[0] if len(values) == 1 else values


def _sync_links(session: Session, record: PartnershipRecord, report: StoreReport) -> bool:
    """Make the partnership's links those of the record; True when any link changed."""
    changed = False
    pid = record.partnership.id
    for table, column, wanted in (
        (PartnershipProvider, "provider_id", record.provider_ids),
        (PartnershipFacilitator, "facilitator_id", record.facilitator_ids),
    ):
        key = str(table.__tablename__)
        existing = session.exec(select(table).where(table.partnership_id == pid)).all()
        have = {getattr(link, column): link for link in existing}
        for other_id, link in have.items():
            if other_id not in wanted:
                session.delete(link)
                report.updated[key] += 1
                changed = True
        for other_id in wanted:
            if other_id in have:
                report.unchanged[key] += 1
            else:
                session.add(table(partnership_id=pid, **{column: other_id}))
                report.inserted[key] += 1
                changed = True
    return changed


def store_partnership(session: Session, record: PartnershipRecord, report: StoreReport) -> Outcome:
    """Insert or update one partnership with its links; "updated" when only a link changed, too."""
    outcome = _upsert(session, Partnership, record.partnership, report)
    session.flush()
    links_changed = _sync_links(session, record, report)
    return "updated" if outcome == "unchanged" and links_changed else outcome


def store_catalogue(engine: Engine, catalogue: Catalogue) -> StoreReport:
    report = StoreReport()
    with Session(engine) as session, session.begin():
        for country in catalogue.countries:
            _upsert(session, Country, country, report)
        session.flush()
        # Parents before children, so the provider.parent foreign key always holds.
        for provider in sorted(catalogue.providers, key=lambda p: p.parent is not None):
            _upsert(session, Provider, provider, report)
        for facilitator in catalogue.facilitators:
            _upsert(session, Facilitator, facilitator, report)
        session.flush()
        for record in catalogue.partnerships:
            store_partnership(session, record, report)
    return report


def load_catalogue(engine: Engine) -> Catalogue:
    """The catalogue as stored, in a stable order."""
    with Session(engine) as session:
        countries = [
            CountryBase.model_validate(r.model_dump(warnings=False)) for r in _all(session, Country, "iso3")
        ]
        providers = [
            ProviderBase.model_validate(r.model_dump(warnings=False)) for r in _all(session, Provider, "id")
        ]
        facilitators = [
            FacilitatorBase.model_validate(r.model_dump(warnings=False))
            for r in _all(session, Facilitator, "id")
        ]
        links_p: dict[str, list[str]] = {}
        for link in _all(session, PartnershipProvider, "provider_id"):
            links_p.setdefault(link.partnership_id, []).append(link.provider_id)
        links_f: dict[str, list[str]] = {}
        for link in _all(session, PartnershipFacilitator, "facilitator_id"):
            links_f.setdefault(link.partnership_id, []).append(link.facilitator_id)
        partnerships = [
            PartnershipRecord(
                PartnershipBase.model_validate(r.model_dump(warnings=False)),
                links_p.get(r.id, []),
                links_f.get(r.id, []),
            )
            for r in _all(session, Partnership, "id")
        ]
    return Catalogue(countries, providers, facilitators, partnerships)


def _all(session: Session, table: type[SQLModel], order: str) -> list[Any]:
    return list(session.exec(select(table).order_by(getattr(table, order))).all())
