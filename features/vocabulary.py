"""The values catalogue rows may use, and row validation that names the closest valid values."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, process

from features.errors import RowError
from features.regions import m49_regions
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
