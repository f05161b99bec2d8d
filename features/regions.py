"""UN M49 region names (`fixtures/lists/m49_regions.csv`) and the one check every reader uses."""

from __future__ import annotations

import csv
from functools import cache

from features.paths import fixtures_dir


@cache
def m49_regions() -> frozenset[str]:
    """Regions, sub-regions and intermediate regions, exactly as the UN M49 standard writes them."""
    with (fixtures_dir() / "lists" / "m49_regions.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(row["name"] for row in csv.DictReader(handle))


def region_problem(value: str) -> str | None:
    """Why `value` is not an M49 region name, or None when it is one."""
    return None if value in m49_regions() else "is not a UN M49 region name"
