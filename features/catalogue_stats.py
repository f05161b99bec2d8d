"""What the catalogue and the history hold: counts, concentration, gaps (for the notebooks)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from features.catalogue import Catalogue
from features.needs import ResolvedNeed
from features.taxonomy import default_taxonomy


def partnership_counts(catalogue: Catalogue, field: str) -> pd.Series:
    """Partnerships by 'region' (of the first beneficiary), 'sdg', 'sector' or 'modality'."""
    counts: Counter[str] = Counter()
    sectors = default_taxonomy().terms["sector"]
    for record in catalogue.partnerships:
        p = record.partnership
        if field == "region":
            first = catalogue.country_by_iso3.get(p.beneficiaries[0]) if p.beneficiaries else None
            counts.update([first.region if first else "(region only)"])
        elif field == "sdg":
            counts.update(f"SDG {g}" for g in p.sdgs)
        elif field == "sector":
            counts.update(f"{c} {sectors[c].name}" for c in p.sectors)
        elif field == "modality":
            counts.update(str(m) for m in p.modalities)
        else:
            raise ValueError(f"field must be region, sdg, sector or modality, got {field!r}")
    return pd.Series(counts, name="partnerships").sort_values(ascending=False)


def partner_counts(catalogue: Catalogue, role: str) -> pd.Series:
    """Partnerships per provider country ('provider') or per facilitator ('facilitator')."""
    if role == "provider":
        country = {p.id: p.country for p in catalogue.providers}
        ids = [sorted({country[x] for x in r.provider_ids}) for r in catalogue.partnerships]
    elif role == "facilitator":
        ids = [r.facilitator_ids for r in catalogue.partnerships]
    else:
        raise ValueError(f"role must be provider or facilitator, got {role!r}")
    return pd.Series(Counter(x for row in ids for x in row), name="partnerships").sort_values(ascending=False)


def lorenz(counts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative share of partners (x) against cumulative share of partnerships (y), from 0 to 1."""
    values = np.sort(counts.to_numpy(dtype=float))
    y = np.concatenate([[0.0], np.cumsum(values) / values.sum()])
    x = np.linspace(0.0, 1.0, len(y))
    return x, y


def sector_gaps(catalogue: Catalogue, needs: list[ResolvedNeed]) -> pd.DataFrame:
    """Needs with a sector that no provider of the catalogue lists among its own."""
    offered = {s for p in catalogue.providers for s in p.sectors}
    sectors = default_taxonomy().terms["sector"]
    rows = [
        {"country": n.country, "title": n.title or n.text[:60], "sector": f"{s} {sectors[s].name}"}
        for n in needs
        for s in n.all_sectors()
        if s not in offered
    ]
    return pd.DataFrame(rows, columns=["country", "title", "sector"])
