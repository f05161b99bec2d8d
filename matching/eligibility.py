"""Eligibility rules: which facilitators may support a need, which providers may serve it."""

from __future__ import annotations

import numpy as np

from features.catalogue_index import CatalogueIndex
from features.needs import ResolvedNeed


def eligible_facilitators(index: CatalogueIndex, need: ResolvedNeed) -> np.ndarray:
    """Boolean mask over facilitators: region, country, income group, modality, funding window.

    An empty rule on the facilitator side means "no restriction"; a restricted facilitator is
    never proposed when the need's side of the fact is unknown.
    """
    facts = index.countries
    row = facts.index[need.country]
    tags = index.facilitator_tags
    income = int(facts.income[row])

    def has_any(columns: np.ndarray) -> np.ndarray:
        return tags[:, columns].sum(axis=1) > 0

    region_ok = ~has_any(index.field_columns["region"]) | has_any(
        index.columns([f"region={g}" for g in facts.groups[row]])
    )
    country_ok = np.array([not c or need.country in c for c in index.facilitator_countries], dtype=bool)
    income_ok = np.array([not i or income in i for i in index.facilitator_income], dtype=bool)
    modality_ok = np.ones(len(tags), dtype=bool)
    if need.modalities:
        wanted = index.columns([f"modality={m}" for m in need.modalities])
        modality_ok = ~has_any(index.field_columns["modality"]) | has_any(wanted)
    funding_ok = np.ones(len(tags), dtype=bool)
    if need.budget_usd is not None:
        low, high = index.facilitator_funding[:, 0], index.facilitator_funding[:, 1]
        funding_ok = (np.isnan(low) | (need.budget_usd >= low)) & (np.isnan(high) | (need.budget_usd <= high))
    return region_ok & country_ok & income_ok & modality_ok & funding_ok


def eligible_providers(index: CatalogueIndex, need: ResolvedNeed, southern: np.ndarray) -> np.ndarray:
    """Boolean mask over providers: from the global South and not from the beneficiary itself."""
    own = index.provider_country == index.countries.index[need.country]
    return southern & ~own
