"""Search providers or facilitators: filters by SDG, sector and region, then fuzzy by name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from features.catalogue import organisation_resolver
from models.catalogue import FacilitatorBase, ProviderBase

Org = TypeVar("Org", bound=ProviderBase | FacilitatorBase)


def search(
    orgs: Sequence[Org], q: str | None, sdg: int | None, sector: str | None, region: str | None
) -> list[Org]:
    """The matching rows; with `q`, the name resolved first, then the closest names."""
    rows = list(orgs)
    if sdg is not None:
        rows = [r for r in rows if sdg in r.sdgs]
    if sector is not None:
        rows = [r for r in rows if sector in r.sectors]
    if region is not None:
        rows = [r for r in rows if region in r.regions]
    if q:
        resolver = organisation_resolver(rows)
        found = resolver.resolve_organisation(q)
        ranked: list[str] = [c.id for c in resolver.closest(q, limit=20) if c.score >= 0.5]
        by_id = {r.id: r for r in rows}
        rows = [by_id[i] for i in dict.fromkeys([*([found.id] if found.id else []), *ranked])]
    return rows
