"""Read and validate the catalogue files of countries, providers and facilitators.

Every row is validated against the `models/` schema and against the shared vocabularies; the
first bad row stops the read with a `RowError` naming the file, line, field, value and the closest
valid values. Nothing is written anywhere here: callers store the result in one transaction.
The history file has its own reader (`features/partnership_reader.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from features.errors import RowError
from features.file_readers import check_unique, read_csv, read_jsonl, split_list
from features.organisation_ids import Organisation, identifiers_of
from features.regions import m49_regions, region_problem
from features.vocabulary import Vocabulary, check_values, closest_values, validate_row
from models.catalogue import CountryBase, FacilitatorBase, ProviderBase


def read_countries(path: Path) -> list[CountryBase]:
    countries = []
    flags = ("ldc", "lldc", "sids", "g7plus", "fragile", "dac_member", "un_member")
    for line, row in read_csv(path):
        record: dict[str, Any] = dict(row)
        record["aliases"] = split_list(row.get("aliases", ""))
        record["languages"] = split_list(row.get("languages", ""))
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
    identifiers: dict[str, tuple[str, int]] = {}
    for line, row in read_jsonl(path):
        provider = validate_row(ProviderBase, row, path, line, vocab)
        check_values(path, line, vocab, provider, ("country", "sectors", "regions"))
        check_unique(path, line, provider.id, lines)
        check_identifiers(path, line, provider, identifiers)
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
    identifiers: dict[str, tuple[str, int]] = {}
    for line, row in read_jsonl(path):
        facilitator = validate_row(FacilitatorBase, row, path, line, vocab)
        check_values(path, line, vocab, facilitator, ("sectors", "regions", "countries"))
        low, high = facilitator.funding_min_usd, facilitator.funding_max_usd
        if low is not None and high is not None and low > high:
            raise RowError(path.name, line, "funding_min_usd", low, f"is above funding_max_usd ({high})")
        check_unique(path, line, facilitator.id, lines)
        check_identifiers(path, line, facilitator, identifiers)
        facilitators.append(facilitator)
    return facilitators


def check_identifiers(path: Path, line: int, org: Organisation, seen: dict[str, tuple[str, int]]) -> None:
    """An identifier (IATI id, CRS channel code) names one organisation of a file."""
    for identifier in identifiers_of(org):
        if identifier in seen and seen[identifier][0] != org.id:
            other, other_line = seen[identifier]
            field = "crs_channel_code" if identifier.isdigit() else "iati_org_id"
            raise RowError(path.name, line, field, identifier, f"is already {other}'s (line {other_line})")
        seen[identifier] = (org.id, line)
