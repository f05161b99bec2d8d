"""Read and validate catalogue files (countries, providers, facilitators, partnerships).

Every row is validated against the `models/` schema and against the shared vocabularies; the
first bad row stops the read with a `RowError` naming the file, line, field, value and the closest
valid values. Nothing is written anywhere here: callers store the result in one transaction.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from features.errors import RowError
from features.names import NameResolver
from features.regions import m49_regions, region_problem
from features.taxonomy import Taxonomy
from models.catalogue import CountryBase, FacilitatorBase, ProviderBase
from models.history import PartnershipBase, PartnershipRecord
from models.vocab import FacilitatorKind, IncomeGroup, Modality, ProviderKind

Schema = TypeVar("Schema", bound=BaseModel)


@dataclass(frozen=True)
class Vocabulary:
    """The values a catalogue row may use, by field name."""

    countries: frozenset[str]
    sectors: frozenset[str]
    modalities: frozenset[str] = frozenset(m.value for m in Modality)
    regions: frozenset[str] = field(default_factory=m49_regions)
    income_groups: frozenset[str] = frozenset(g.value for g in IncomeGroup)

    def for_field(self, name: str) -> frozenset[str] | None:
        return {
            "country": self.countries,
            "countries": self.countries,
            "beneficiaries": self.countries,
            "sectors": self.sectors,
            "modalities": self.modalities,
            "regions": self.regions,
            "income_groups": self.income_groups,
            "income_group": self.income_groups,
            "kind": frozenset(k.value for k in [*ProviderKind, *FacilitatorKind]),
        }.get(name)


def closest_values(value: object, valid: Iterable[str], limit: int = 3) -> list[str]:
    """The valid values nearest to a bad one: by similarity, then by shared prefix, then A-Z."""
    text = str(value)
    scored = process.extract(text, list(valid), scorer=fuzz.WRatio, limit=None)

    def rank(match: tuple[str, float, int]) -> tuple[float, int, str]:
        candidate, score, _ = match
        prefix = len(os.path.commonprefix([text.casefold(), candidate.casefold()]))  # noqa: RUF071
        return (-score, -prefix, candidate)

    return [candidate for candidate, _, _ in sorted(scored, key=rank)[:limit]]


def _fail_validation(path: Path, line: int, exc: ValidationError, vocab: Vocabulary | None) -> None:
    error = exc.errors()[0]
    loc = [str(p) for p in error["loc"]]
    name = ".".join(loc) or "row"
    valid = vocab.for_field(loc[0]) if vocab and loc else None
    closest = closest_values(error.get("input"), valid) if valid else []
    raise RowError(path.name, line, name, error.get("input"), error["msg"].lower(), closest) from exc


def validate_row(
    schema: type[Schema], row: dict[str, Any], path: Path, line: int, vocab: Vocabulary | None
) -> Schema:
    try:
        return schema.model_validate(row)
    except ValidationError as exc:
        _fail_validation(path, line, exc, vocab)
        raise  # unreachable: _fail_validation always raises


def check_values(path: Path, line: int, vocab: Vocabulary, record: BaseModel, fields: Iterable[str]) -> None:
    """Every value of the named fields must be in the shared vocabulary."""
    for name in fields:
        valid = vocab.for_field(name)
        value = getattr(record, name)
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            if item is None or valid is None:
                continue
            item = getattr(item, "value", item)
            if item not in valid:
                where = f"{name}.{index}" if isinstance(value, list) else name
                raise RowError(
                    path.name,
                    line,
                    where,
                    item,
                    "is not a known value",
                    closest_values(item, valid),
                )


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for line_no, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise RowError(
                    path.name, line_no, "row", text[:60], f"is not valid JSON ({exc.msg})"
                ) from exc
            if not isinstance(row, dict):
                raise RowError(path.name, line_no, "row", row, "is not a JSON object")
            yield line_no, row


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with their line number in the file (the header is line 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def read_countries(path: Path) -> list[CountryBase]:
    countries = []
    flags = ("ldc", "lldc", "sids", "g7plus", "fragile", "dac_member", "un_member")
    for line, row in read_csv(path):
        record: dict[str, Any] = dict(row)
        record["aliases"] = _split(row.get("aliases", ""))
        record["languages"] = _split(row.get("languages", ""))
        record["income_group"] = row.get("income_group") or None
        record["m49"] = row.get("m49") or None
        for key in ("capital_lat", "capital_lon"):
            record[key] = row.get(key) or None
        for flag in flags:
            if row.get(flag) not in ("0", "1"):
                raise RowError(path.name, line, flag, row.get(flag), "must be 0 or 1")
            record[flag] = row[flag] == "1"
        country = validate_row(CountryBase, record, path, line, None)
        for key in ("region", "sub_region", "intermediate_region"):
            value = getattr(country, key)
            problem = region_problem(value) if value else None
            if problem:
                raise RowError(path.name, line, key, value, problem, closest_values(value, m49_regions()))
        countries.append(country)
    return countries


def read_providers(path: Path, vocab: Vocabulary) -> list[ProviderBase]:
    providers: list[ProviderBase] = []
    lines: dict[str, int] = {}
    for line, row in read_jsonl(path):
        provider = validate_row(ProviderBase, row, path, line, vocab)
        check_values(path, line, vocab, provider, ("country", "sectors", "regions"))
        _check_unique(path, line, provider.id, lines)
        providers.append(provider)
    for provider in providers:
        if provider.parent is not None and provider.parent not in lines:
            raise RowError(
                path.name,
                lines[provider.id],
                "parent",
                provider.parent,
                "is not the id of a provider in this file",
                closest_values(provider.parent, lines),
            )
    return providers


def read_facilitators(path: Path, vocab: Vocabulary) -> list[FacilitatorBase]:
    facilitators: list[FacilitatorBase] = []
    lines: dict[str, int] = {}
    for line, row in read_jsonl(path):
        facilitator = validate_row(FacilitatorBase, row, path, line, vocab)
        check_values(path, line, vocab, facilitator, ("sectors", "regions", "countries"))
        low, high = facilitator.funding_min_usd, facilitator.funding_max_usd
        if low is not None and high is not None and low > high:
            raise RowError(path.name, line, "funding_min_usd", low, f"is above funding_max_usd ({high})")
        _check_unique(path, line, facilitator.id, lines)
        facilitators.append(facilitator)
    return facilitators


def _check_unique(path: Path, line: int, entity_id: str, lines: dict[str, int]) -> None:
    if entity_id in lines:
        raise RowError(path.name, line, "id", entity_id, f"is already used on line {lines[entity_id]}")
    lines[entity_id] = line


_PROVIDER_PART = re.compile(r"\b([A-Z]{3})\b\s*(?:\(([^()]*)\))?")


@dataclass
class PartnershipReader:
    """Maps rows of the history file (see shared/data/README.md) onto the catalogue."""

    vocab: Vocabulary
    taxonomy: Taxonomy
    providers: list[ProviderBase]
    facilitators: NameResolver
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
            _check_unique(path, line, record.partnership.id, lines)
            records.append(record)
        return records

    def read_row(self, path: Path, line: int, row: dict[str, str]) -> PartnershipRecord:
        unresolved: list[str] = []
        beneficiaries = []
        for index, name in enumerate(_split(row.get("beneficiary_countries", ""))):
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
        for name in _split(row.get("facilitator", "")):
            resolution = self.facilitators.resolve_organisation(name)
            if resolution.id is None:
                unresolved.append(f"facilitator: {name}")
            elif resolution.id not in facilitator_ids:
                facilitator_ids.append(resolution.id)
        sector_words = _split(row.get("sectors", ""))
        sectors = sorted({t.code for w in sector_words for t in self.taxonomy.resolve("sector", w).terms})
        modalities = sorted(
            {
                t.code
                for w in _split(row.get("modality", ""))
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
            for name in _split(institutions):
                resolver = self._institutions.get(iso3)
                found = resolver.resolve_organisation(name) if resolver else None
                if found is not None and found.id:
                    if found.id not in ids:
                        ids.append(found.id)
                else:
                    unresolved.append(f"provider institution: {name} ({iso3})")
        return ids
