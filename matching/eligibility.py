"""Hard eligibility rules: only documented, certain restrictions exclude a candidate.

A facilitator is excluded when the beneficiary is outside its written country list, or outside
the regions of a membership body (a regional organisation or a regional development bank). A
provider is excluded when it is the beneficiary itself or an OECD DAC member. Everything else —
a region of focus, income groups, modalities, the funding window — is a soft rule: a feature
with a negative contribution and a caveat (`features/facilitator_features.py`), never a hidden
candidate.
"""

from __future__ import annotations

import numpy as np

from features.catalogue_index import CatalogueIndex
from features.needs import ResolvedNeed


def eligible_facilitators(index: CatalogueIndex, need: ResolvedNeed) -> np.ndarray:
    """Boolean mask over facilitators: the hard rules above."""
    facts = index.countries
    row = facts.index[need.country]
    tags = index.facilitator_tags
    lists_regions = tags[:, index.field_columns["region"]].sum(axis=1) > 0
    in_regions = tags[:, index.columns([f"region={g}" for g in facts.groups[row]])].sum(axis=1) > 0
    region_ok = ~index.facilitator_by_membership | ~lists_regions | in_regions
    country_ok = np.array([not c or need.country in c for c in index.facilitator_countries], dtype=bool)
    return region_ok & country_ok


def eligible_providers(index: CatalogueIndex, need: ResolvedNeed, southern: np.ndarray) -> np.ndarray:
    """Boolean mask over providers: from the global South and not from the beneficiary itself."""
    own = index.provider_country == index.countries.index[need.country]
    return southern & ~own
