"""Bring partnerships into the stored history from IATI activity files or a CSV of the history.

Names and identifiers are resolved against the catalogue as stored. An import is one transaction:
every file is read and checked before anything is written, and a dry run is the same transaction
rolled back, so it reports exactly what a real run would do. Partnerships are keyed by their id,
which for IATI is derived from the `iati-identifier`: a second run of the same files changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine
from sqlmodel import Session

from api.catalogue_store import StoreReport, load_catalogue, store_partnership
from features.catalogue import partnership_reader
from features.errors import RowError, SSTCError
from features.iati_reader import IatiReader, Skipped
from features.iati_xml import XmlError
from features.taxonomy import default_taxonomy
from models.history import PartnershipRecord

ImportFormat = Literal["iati", "csv"]


# How a partnership's `imported_from` ("iati:<file>", "csv:<file>") is shown to people.
class RowErrors(SSTCError):
    """Rows of a CSV that cannot be read: all of them, so that one pass fixes the file."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(
            f"{len(self.errors)} row(s) cannot be read; nothing was stored: "
            + "; ".join(str(e) for e in self.errors)
        )


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    unresolved: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [{"id": s.id, "why": s.why} for s in self.skipped],
            "unresolved": self.unresolved,
        }


def import_iati(engine: Engine, paths: Sequence[Path], *, dry_run: bool = False) -> ImportReport:
    """Triangular activities of IATI files as partnerships; a malformed file raises `XmlError`."""
    batch = IatiReader(load_catalogue(engine), default_taxonomy()).read(paths)
    return _store(engine, batch.records, ImportReport(skipped=batch.skipped), dry_run)


def import_csv(engine: Engine, path: Path, *, dry_run: bool = False) -> ImportReport:
    """Rows in the history file's columns; any bad row raises `RowErrors` and nothing is stored."""
    reader = partnership_reader(load_catalogue(engine), default_taxonomy())
    records, errors = reader.read_all(path)
    if errors:
        raise RowErrors(errors)
    source = f"csv:{path.name}"[:300]
    records = [
        PartnershipRecord(
            r.partnership.model_copy(update={"imported_from": source}), r.provider_ids, r.facilitator_ids
        )
        for r in records
    ]
    return _store(engine, records, ImportReport(), dry_run)


def import_file(engine: Engine, file_format: ImportFormat, path: Path, *, dry_run: bool) -> ImportReport:
    """One file of either format, as `sstc import iati|csv` would import it."""
    if file_format == "iati":
        return import_iati(engine, [path], dry_run=dry_run)
    return import_csv(engine, path, dry_run=dry_run)


def error_records(exc: SSTCError) -> list[dict[str, Any]]:
    """What stopped an import, as records: file, line and element (XML) or field and value (CSV)."""
    if isinstance(exc, XmlError):
        return [{"file": exc.file, "line": exc.line, "element": exc.element, "why": exc.reason}]
    found = exc.errors if isinstance(exc, RowErrors) else [exc] if isinstance(exc, RowError) else []
    if not found:
        return [{"why": str(exc)}]
    return [
        {"file": e.file, "line": e.line, "field": e.field, "value": str(e.value), "why": e.reason}
        for e in found
    ]


def _store(
    engine: Engine, records: list[PartnershipRecord], report: ImportReport, dry_run: bool
) -> ImportReport:
    tables = StoreReport()
    with Session(engine) as session:
        for record in records:
            outcome = store_partnership(session, record, tables)
            if outcome == "inserted":
                report.imported += 1
            elif outcome == "updated":
                report.updated += 1
            else:
                report.unchanged += 1
            key = record.partnership.iati_identifier or record.partnership.id  # as the source names it
            for entry in record.partnership.unresolved:
                name_field, _, name = entry.partition(": ")
                report.unresolved.append({"id": key, "field": name_field, "name": name})
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return report
