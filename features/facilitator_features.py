"""Need–facilitator and provider–facilitator features: one declaration each (see
`features.feature_spec`). The per-pair ones are computed for every (provider, facilitator) pair."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from features.feature_spec import Feature, FeatureSet
from features.pair_context import NeedContext, count_in, overlap
from features.postings import cosines
from features.semantic_index import SemanticIndex


@dataclass
class FacilitatorContext(NeedContext):
    """What the facilitator features of one need read: the facilitators, and the providers they
    may be paired with."""

    need_vector: sp.csr_matrix
    facilitators: np.ndarray
    providers: np.ndarray
    semantic: SemanticIndex | None = None  # None: the model has no semantic features (all missing)

    @cached_property
    def tags(self) -> np.ndarray:
        return self.index.facilitator_tags[self.facilitators]


def _sector_activity(c: FacilitatorContext) -> np.ndarray:
    sectors = np.array([c.index.sector_index[s] for s in c.need.all_sectors()], dtype=np.int64)
    return np.log1p(count_in(c.view.facilitator_by_sector, c.facilitators, sectors))


def _region_activity(c: FacilitatorContext) -> np.ndarray:
    groups = np.array([c.index.group_index[g] for g in c.need_groups[1:2]], dtype=np.int64)
    return np.log1p(count_in(c.view.facilitator_by_group, c.facilitators, groups))


def _country_activity(c: FacilitatorContext) -> np.ndarray:
    return np.log1p(c.view.facilitator_by_country[:, c.need_row].toarray().ravel()[c.facilitators])


def _regional_focus(c: FacilitatorContext) -> np.ndarray:
    return overlap(c.tags, c.index.columns([f"region={g}" for g in c.need_groups])) > 0


def _region_outside(c: FacilitatorContext) -> np.ndarray:
    """1 when the facilitator names regions of focus and the beneficiary is in none of them."""
    lists_regions = c.tags[:, c.index.field_columns["region"]].sum(axis=1) > 0
    return (lists_regions & (_regional_focus(c) == 0)).astype(float)


def _income_outside(c: FacilitatorContext) -> np.ndarray:
    income = int(c.index.countries.income[c.need_row])
    if income < 0:
        return np.full(len(c.facilitators), np.nan)
    groups = [c.index.facilitator_income[f] for f in c.facilitators]
    return np.array([bool(g) and income not in g for g in groups], dtype=float)


def _modality_unsupported(c: FacilitatorContext) -> np.ndarray:
    """1 when the need asks for modalities and the facilitator lists others only."""
    if not c.need.modalities:
        return np.full(len(c.facilitators), np.nan)
    lists = c.tags[:, c.index.field_columns["modality"]].sum(axis=1) > 0
    wanted = c.index.columns([f"modality={m}" for m in c.need.modalities])
    return (lists & (c.tags[:, wanted].sum(axis=1) == 0)).astype(float)


def _budget_outside(c: FacilitatorContext) -> np.ndarray:
    """1 when the budget falls outside the facilitator's public funding window; missing without either."""
    budget = c.need.budget_usd
    low, high = c.index.facilitator_funding[c.facilitators, 0], c.index.facilitator_funding[c.facilitators, 1]
    if budget is None:
        return np.full(len(c.facilitators), np.nan)
    outside = (~np.isnan(low) & (budget < low)) | (~np.isnan(high) & (budget > high))
    return np.where(np.isnan(low) & np.isnan(high), np.nan, outside.astype(float))


def _semantic_history(c: FacilitatorContext) -> np.ndarray:
    if c.semantic is None:
        return np.full(len(c.facilitators), np.nan)
    return c.semantic.history_similarity(c.need, "facilitators", c.facilitators, c.view)


def _provider_cooperation(c: FacilitatorContext) -> np.ndarray:
    """(P, F): partnerships the provider's country and the facilitator did together."""
    country_profiles = c.index.provider_parent[c.providers]
    return np.log1p(c.view.cooperation[country_profiles][:, c.facilitators].toarray())


def _provider_language(c: FacilitatorContext) -> np.ndarray:
    """(P, F): 1 when the provider and the facilitator list a working language in common."""
    language_columns = c.index.field_columns["language"]
    p_lang = c.index.provider_tags[c.providers].toarray()[:, language_columns]
    f_lang = c.tags[:, language_columns]
    return ((p_lang @ f_lang.T) > 0).astype(float)


FACILITATOR_FEATURES = FeatureSet(
    "facilitator",
    [
        Feature("text_similarity", "text",
                lambda c: cosines(c.index.facilitator_postings, c.need_vector)[c.facilitators],
                helps="{f.facilitator}'s mandate uses similar words (cosine {value:.2f})",
                prior_weight=3.0, sign="positive",
                label="Facilitator's mandate matches the need"),
        Feature("history_text_similarity", "text",
                lambda c: cosines(c.view.facilitator_postings, c.need_vector)[c.facilitators],
                helps="{f.facilitator} supported partnerships like this need (cosine {value:.2f})"
                "{f.facilitator_examples}",
                prior_weight=2.0, sign="positive",
                label="Facilitator's past partnerships resemble the need"),
        Feature("history_semantic_similarity", "semantic", _semantic_history,
                helps="the need is {closeness} in meaning to partnerships {f.facilitator} supported, "
                "across languages (similarity {value:.2f}){f.facilitator_semantic_examples}",
                prior_weight=1.0, sign="positive",
                label="Facilitator's past partnerships mean the same as the need (any language)"),
        Feature("sector_overlap", "tags", lambda c: c.tag_share("sector"),
                helps="{f.facilitator} funds {value:.0%} of the need's sectors ({f.facilitator_sectors})",
                prior_weight=2.0, sign="positive",
                label="Facilitator funds the need's sectors"),
        Feature("sdg_overlap", "tags", lambda c: c.tag_share("sdg"),
                helps="{f.facilitator} works on {value:.0%} of the need's SDGs",
                prior_weight=1.0, sign="positive",
                label="Facilitator works on the need's SDGs"),
        Feature("modality_overlap", "tags", lambda c: c.tag_share("modality"),
                helps="{f.facilitator} supports {value:.0%} of the requested modalities",
                prior_weight=0.5, sign="positive",
                label="Facilitator supports the requested support"),
        Feature("language_match", "tags", lambda c: c.tag_share("language") > 0,
                helps="{f.facilitator} works in the need's language", prior_weight=0.8, sign="positive",
                label="Facilitator works in the need's language"),
        Feature("regional_focus", "geography", _regional_focus,
                helps="{f.facilitator} focuses on {f.beneficiary}'s region",
                prior_weight=0.5, sign="positive",
                label="Facilitator focuses on the beneficiary's region"),
        Feature("region_outside", "eligibility", _region_outside, sign="negative", least_weight=0.3,
                caveat="{f.facilitator} focuses on other regions than {f.need_area}",
                label="Beneficiary outside the facilitator's regions"),
        Feature("income_outside", "eligibility", _income_outside, sign="negative", least_weight=0.3,
                caveat="{f.facilitator} lists {f.facilitator_income} countries; {f.beneficiary} is "
                "{f.need_income}",
                label="Income group outside the facilitator's list"),
        Feature("modality_unsupported", "eligibility", _modality_unsupported, sign="negative",
                least_weight=0.3,
                caveat="{f.facilitator} rarely lists {f.need_modalities}",
                label="Requested support rarely offered by facilitator"),
        Feature("budget_outside", "eligibility", _budget_outside, sign="negative", least_weight=1.0,
                caveat="the budget is outside {f.facilitator}'s funding window ({f.funding_window})",
                label="Budget outside the facilitator's funding window"),
        Feature("experience", "history", lambda c: np.log1p(c.view.facilitator_total[c.facilitators]),
                helps="{f.facilitator} facilitated {count} past partnership(s)",
                caveat="{f.facilitator} facilitated only {count} past partnership(s)", prior_weight=0.5,
                label="Facilitator's number of past partnerships"),
        Feature("country_activity", "history", _country_activity,
                helps="{f.facilitator} facilitated {count} partnership(s) in {f.beneficiary}",
                prior_weight=0.5, sign="positive",
                label="Facilitator's past work in the country"),
        Feature("sector_activity", "history", _sector_activity,
                helps="{f.facilitator} facilitated {count} partnership(s) in the need's sectors",
                prior_weight=0.5, sign="positive",
                label="Facilitator's past work in the need's sectors"),
        Feature("region_activity", "history", _region_activity,
                helps="{f.facilitator} facilitated {count} partnership(s) in the beneficiary's sub-region",
                sign="positive",
                label="Facilitator's past work in the sub-region"),
        Feature("provider_cooperation", "cooperation", _provider_cooperation, per_pair=True,
                helps="{f.provider} and {f.facilitator} worked together in {count} partnership(s)",
                prior_weight=0.7, sign="positive",
                label="Provider and facilitator worked together before"),
        Feature("provider_language", "cooperation", _provider_language, per_pair=True,
                helps="{f.provider} and {f.facilitator} share a working language",
                prior_weight=0.3, sign="positive",
                label="Provider and facilitator share a working language"),
    ],
)  # fmt: skip
