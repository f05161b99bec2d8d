"""Read the partnership history file (see shared/data/README.md) onto the catalogue's ids.

Countries, providers, facilitators, sectors and modalities are resolved from the names the sources
use; a beneficiary that is not a known country stops the read, other names that do not resolve are
kept on the record as `unresolved`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from features.errors import RowError
from features.file_readers import check_unique, read_csv, split_list
from features.names import NameResolver
from features.organisation_ids import OrganisationIds
from features.taxonomy import Taxonomy
from features.vocabulary import Vocabulary, closest_values, validate_row
from models.catalogue import ProviderBase
from models.history import PartnershipBase, PartnershipRecord
from models.vocab import ProviderKind

_PROVIDER_PART = re.compile(r"\b([A-Z]{3})\b\s*(?:\(([^()]*)\))?")


@dataclass
class PartnershipReader:
    """Maps rows of the history file (see shared/data/README.md) onto the catalogue."""

    vocab: Vocabulary
    taxonomy: Taxonomy
    providers: list[ProviderBase]
    facilitators: OrganisationIds
    resolve_country: Callable[[str], str | None]

    def __post_init__(self) -> None:
        self._countries = {p.id for p in self.providers if p.kind == ProviderKind.country}
        by_country: dict[str, dict[str, list[str]]] = {}
        for p in self.providers:
            if p.kind != ProviderKind.country:
                names = [p.name, *([p.acronym] if p.acronym else []), *p.aliases]
                by_country.setdefault(p.country, {})[p.id] = names
        self._institutions = {iso3: NameResolver(names) for iso3, names in by_country.items()}
        self._all = NameResolver({p.id: [p.name, *p.aliases] for p in self.providers})

    def read(self, path: Path) -> list[PartnershipRecord]:
        records: list[PartnershipRecord] = []
        lines: dict[str, int] = {}
        for line, row in read_csv(path):
            record = self.read_row(path, line, row)
            check_unique(path, line, record.partnership.id, lines)
            records.append(record)
        return records

    def read_all(self, path: Path) -> tuple[list[PartnershipRecord], list[RowError]]:
        """Every row that can be read, and the error of every row that cannot (an import's batch)."""
        records: list[PartnershipRecord] = []
        errors: list[RowError] = []
        lines: dict[str, int] = {}
        for line, row in read_csv(path):
            try:
                record = self.read_row(path, line, row)
                check_unique(path, line, record.partnership.id, lines)
            except RowError as error:
                errors.append(error)
            else:
                records.append(record)
        return records, errors

    def read_row(self, path: Path, line: int, row: dict[str, str]) -> PartnershipRecord:
        if not row.get("id"):
            raise RowError(path.name, line, "id", row.get("id", ""), "is empty: every row needs its own id")
        unresolved: list[str] = []
        beneficiaries = []
        for index, name in enumerate(split_list(row.get("beneficiary_countries", ""))):
            iso3 = self.resolve_country(name)
            if iso3 is None:
                raise RowError(
                    path.name,
                    line,
                    f"beneficiary_countries.{index}",
                    name,
                    "is not a known country",
                    closest_values(name, self.vocab.countries),
                )
            beneficiaries.append(iso3)
        provider_ids = self._providers(row.get("provider", ""), unresolved)
        facilitator_ids = []
        for name in split_list(row.get("facilitator", "")):
            resolution = self.facilitators.resolve_organisation(name)
            if resolution.id is None:
                unresolved.append(f"facilitator: {name}")
            elif resolution.id not in facilitator_ids:
                facilitator_ids.append(resolution.id)
        sector_words = split_list(row.get("sectors", ""))
        sectors = sorted({t.code for w in sector_words for t in self.taxonomy.resolve("sector", w).terms})
        modalities = sorted(
            {
                t.code
                for w in split_list(row.get("modality", ""))
                for t in self.taxonomy.resolve("modality", w).terms
            }
        )
        record = {
            "id": row.get("id", ""),
            "title": row.get("title", ""),
            "year_start": row.get("year_start") or None,
            "beneficiaries": beneficiaries,
            "beneficiary_region": row.get("beneficiary_region", ""),
            "sectors": sectors,
            "sector_words": sector_words,
            "sdgs": sorted({int(n) for n in re.findall(r"\d+", row.get("sdgs", ""))}),
            "modalities": modalities,
            "description": row.get("need_description", ""),
            "source_url": row.get("source_url", ""),
            "source_name": row.get("source_name", ""),
            "unresolved": unresolved,
        }
        partnership = validate_row(PartnershipBase, record, path, line, self.vocab)
        return PartnershipRecord(partnership, provider_ids, facilitator_ids)

    def _providers(self, text: str, unresolved: list[str]) -> list[str]:
        ids: list[str] = []
        parts = _PROVIDER_PART.findall(text)
        if not parts and text:
            resolution = self._all.resolve_organisation(text)
            if resolution.id:
                return [resolution.id]
            unresolved.append(f"provider: {text}")
        for iso3, institutions in parts:
            if iso3 in self._countries:
                ids.append(iso3)
            else:
                unresolved.append(f"provider country: {iso3}")
            for name in split_list(institutions):
                resolver = self._institutions.get(iso3)
                found = resolver.resolve_organisation(name) if resolver else None
                if found is not None and found.id:
                    if found.id not in ids:
                        ids.append(found.id)
                else:
                    unresolved.append(f"provider institution: {name} ({iso3})")
        return ids
