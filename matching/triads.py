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
    groups = set(facts.groups[row])
    income = int(facts.income[row])
    modalities = set(need.modalities)
    budget = need.budget_usd
    mask = np.ones(len(index.facilitator_ids), dtype=bool)
    for f in range(len(mask)):
        regions = index.facilitator_regions[f]
        countries = index.facilitator_countries[f]
        incomes = index.facilitator_income[f]
        offered = index.facilitator_modalities[f]
        low, high = index.facilitator_funding[f]
        mask[f] = (
            (not regions or bool(regions & groups))
            and (not countries or need.country in countries)
            and (not incomes or income in incomes)
            and (not modalities or not offered or bool(modalities & offered))
            and (budget is None or np.isnan(low) or budget >= low)
            and (budget is None or np.isnan(high) or budget <= high)
        )
    return mask


def eligible_providers(index: CatalogueIndex, need: ResolvedNeed, southern: np.ndarray) -> np.ndarray:
    """Boolean mask over providers: from the global South and not from the beneficiary itself."""
    own = index.provider_country == index.countries.index[need.country]
    return southern & ~own
