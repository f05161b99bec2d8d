"""Need–provider features: one declaration each (see `features.feature_spec`), over the retrieved
candidates of one need."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from features.feature_spec import Feature, FeatureSet
from features.pair_context import NeedContext, count_in, overlap
from features.semantic_index import SemanticIndex

# Distance (log of thousands of km) is centred on a typical South-South distance: unknown = typical.
TYPICAL_DISTANCE = float(np.log1p(8.0))
# Below this best cosine a need shares next to no words with any provider: its best match is then
# not scaled up to 1 (noise would read as "the closest profile").
SIMILARITY_FLOOR = 0.05


@dataclass
class ProviderContext(NeedContext):
    """What the provider features of one need read; `similarity` holds each candidate's cosines
    with the need: (profile, past partnerships), and `best_similarity` the highest of each over
    every provider."""

    candidates: np.ndarray
    similarity: np.ndarray
    best_similarity: np.ndarray
    semantic: SemanticIndex | None = None  # None: the model has no semantic features (all missing)

    @cached_property
    def relative_similarity(self) -> np.ndarray:
        """Each cosine as a share of the need's best one. A need in French meets English profiles
        at lower cosines across the board, its closest one included; as shares, its closest
        profile weighs what it would in English against the features that do not read words."""
        return self.similarity / np.maximum(self.best_similarity, SIMILARITY_FLOOR)

    @cached_property
    def tags(self) -> np.ndarray:
        return self.index.provider_tags[self.candidates].toarray()

    @cached_property
    def country_rows(self) -> np.ndarray:
        return self.index.provider_country[self.candidates]

    @cached_property
    def region_of(self) -> list[list[str]]:
        return [self.index.countries.groups[r] for r in self.country_rows]


def _distance(c: ProviderContext) -> np.ndarray:
    return np.log1p(c.index.countries.distance_km(c.need.country, c.country_rows) / 1000.0)


def _same_region(c: ProviderContext) -> np.ndarray:
    return np.array([bool(g) and bool(c.need_groups) and g[0] == c.need_groups[0] for g in c.region_of])


def _same_sub_region(c: ProviderContext) -> np.ndarray:
    need = c.need_groups
    return np.array([len(g) > 1 and len(need) > 1 and g[1] == need[1] for g in c.region_of])


def _serves_region(c: ProviderContext) -> np.ndarray:
    return overlap(c.tags, c.index.columns([f"region={g}" for g in c.need_groups])) > 0


def _shared_official_language(c: ProviderContext) -> np.ndarray:
    languages = c.index.countries.languages
    need_languages = set(languages[c.need_row])
    return np.array([bool(need_languages & set(languages[r])) for r in c.country_rows])


def _similar_context(c: ProviderContext) -> np.ndarray:
    flags = c.index.countries.flags
    return (flags[c.country_rows] & flags[c.need_row]).sum(axis=1)


def _income_gap(c: ProviderContext) -> np.ndarray:
    income = c.index.countries.income
    own, need = income[c.country_rows], income[c.need_row]
    return np.where((own < 0) | (need < 0), np.nan, own - need)


def _sector_experience(c: ProviderContext) -> np.ndarray:
    sectors = np.array([c.index.sector_index[s] for s in c.need.all_sectors()], dtype=np.int64)
    return np.log1p(count_in(c.view.provider_by_sector, c.candidates, sectors))


def _sdg_experience(c: ProviderContext) -> np.ndarray:
    sdgs = np.array([s - 1 for s in c.need.all_sdgs()], dtype=np.int64)
    return np.log1p(count_in(c.view.provider_by_sdg, c.candidates, sdgs))


def _region_experience(c: ProviderContext) -> np.ndarray:
    sub_region = [c.index.group_index[c.need_groups[1]]] if len(c.need_groups) > 1 else []
    return np.log1p(count_in(c.view.provider_by_group, c.candidates, np.array(sub_region, dtype=np.int64)))


def _semantic_profile(c: ProviderContext) -> np.ndarray:
    if c.semantic is None:
        return np.full(len(c.candidates), np.nan)
    return c.semantic.profile_similarity(c.need, c.candidates)


def _semantic_history(c: ProviderContext) -> np.ndarray:
    if c.semantic is None:
        return np.full(len(c.candidates), np.nan)
    return c.semantic.history_similarity(c.need, "providers", c.candidates, c.view)


def _past_cooperation(c: ProviderContext) -> np.ndarray:
    return np.log1p(c.view.provider_by_country[:, c.need_row].toarray().ravel()[c.candidates])


PROVIDER_FEATURES = FeatureSet(
    "provider",
    [
        Feature("text_similarity", "text", lambda c: c.relative_similarity[:, 0],
                helps="{f.provider}'s profile uses similar words ({value:.0%} as close as the closest "
                "profile)",
                prior_weight=3.0, sign="positive",
                label="Provider's profile matches the need"),
        Feature("history_text_similarity", "text", lambda c: c.relative_similarity[:, 1],
                helps="{f.provider}'s past partnerships read like this need ({value:.0%} as close as "
                "the closest provider's){f.provider_examples}",
                prior_weight=2.0, sign="positive",
                label="Provider's past partnerships resemble the need"),
        Feature("semantic_similarity", "semantic", _semantic_profile,
                helps="{f.provider}'s profile is {closeness} in meaning to the need, across languages "
                "(similarity {value:.2f})",
                prior_weight=1.0, sign="positive",
                label="Provider's profile means the same as the need (any language)"),
        Feature("history_semantic_similarity", "semantic", _semantic_history,
                helps="the need is {closeness} in meaning to {f.provider}'s past partnerships, across "
                "languages (similarity {value:.2f}){f.provider_semantic_examples}",
                prior_weight=1.0, sign="positive",
                label="Provider's past partnerships mean the same as the need (any language)"),
        Feature("sector_overlap", "tags", lambda c: c.tag_share("sector"),
                helps="{f.provider} works in {value:.0%} of the need's sectors ({f.provider_sectors})",
                prior_weight=2.0, sign="positive",
                label="Provider works in the need's sectors"),
        Feature("sdg_overlap", "tags", lambda c: c.tag_share("sdg"),
                helps="{f.provider} works on {value:.0%} of the need's SDGs ({f.provider_sdgs})",
                prior_weight=1.0, sign="positive",
                label="Provider works on the need's SDGs"),
        Feature("modality_overlap", "tags", lambda c: c.tag_share("modality"),
                helps="{f.provider} offers {value:.0%} of the requested modalities",
                prior_weight=0.5, sign="positive",
                label="Provider offers the requested support"),
        Feature("language_match", "tags", lambda c: c.tag_share("language") > 0,
                helps="{f.provider} works in {f.provider_languages}", prior_weight=0.8, sign="positive",
                label="Provider works in the need's language"),
        Feature("distance", "geography", _distance, reference=TYPICAL_DISTANCE,
                helps="capitals about {km:,.0f} km apart, nearer than most partners",
                caveat="capitals about {km:,.0f} km apart, farther than most partners", prior_weight=-0.3,
                label="Distance between the two capitals"),
        Feature("same_region", "geography", _same_region,
                helps="both in {f.region}", sign="positive",
                label="Same region as the beneficiary"),
        Feature("same_sub_region", "geography", _same_sub_region,
                helps="both in {f.sub_region}", prior_weight=0.4, sign="positive",
                label="Same sub-region as the beneficiary"),
        Feature("serves_region", "geography", _serves_region,
                helps="{f.provider} already serves {f.need_area}",
                prior_weight=0.6, sign="positive",
                label="Provider already serves the beneficiary's area"),
        Feature("shared_official_language", "geography", _shared_official_language,
                helps="shares {f.official_languages}",
                prior_weight=0.8, sign="positive",
                label="Official language shared with the beneficiary"),
        Feature("similar_context", "context", _similar_context,
                helps="both are {f.shared_flags}",
                caveat="both are {f.shared_flags}; such pairs are rarer in past partnerships",
                prior_weight=0.3,
                label="Similar country situation (LDC, SIDS, fragile…)"),
        Feature("income_gap", "context", _income_gap,
                helps="income group {value:+.0f} step(s) from {f.beneficiary}'s",
                caveat="income group {value:+.0f} step(s) from {f.beneficiary}'s, a rarer gap",
                label="Difference in income group"),
        Feature("experience", "history", lambda c: np.log1p(c.view.provider_total[c.candidates]),
                helps="{f.provider} was the provider in {count} past partnership(s)",
                caveat="{f.provider} was the provider in only {count} past partnership(s)", prior_weight=0.5,
                label="Provider's number of past partnerships"),
        Feature("sector_experience", "history", _sector_experience,
                helps="{f.provider} was the provider in {count} partnership(s) in {f.need_sectors}",
                prior_weight=0.5, sign="positive",
                label="Provider's past work in the need's sectors"),
        Feature("sdg_experience", "history", _sdg_experience,
                helps="{f.provider} has {count} past partnership(s) on the need's SDGs", sign="positive",
                label="Provider's past work on the need's SDGs"),
        Feature("region_experience", "history", _region_experience,
                helps="{f.provider} has {count} past partnership(s) in the beneficiary's sub-region",
                sign="positive",
                label="Provider's past work in the sub-region"),
        Feature("past_cooperation", "history", _past_cooperation,
                helps="{f.provider} already worked with {f.beneficiary} in {count} partnership(s)",
                prior_weight=0.5, sign="positive",
                label="Provider already worked with the beneficiary"),
    ],
)  # fmt: skip
