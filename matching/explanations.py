"""Explanation records that add up to the score, and plain-language reasons drawn from facts.

A suggestion's explanation is its prior plus one record per feature
`{feature, group, value, contribution, reason}`; prior + sum(contribution) is the score that
ordered the list. Reasons quote the facts behind the largest positive contributions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from babel import Locale

from features.catalogue_index import CatalogueIndex
from features.geography import CONTEXT_FLAGS
from features.needs import ResolvedNeed
from features.pairs import FACILITATOR_FEATURES, PROVIDER_FEATURES
from features.taxonomy import default_taxonomy

GROUPS = {
    **{f"provider.{n}": g for n, g in PROVIDER_FEATURES},
    **{f"facilitator.{n}": g for n, g in FACILITATOR_FEATURES},
}
PAIR_FEATURES = {"provider_cooperation", "provider_language"}
FLAG_WORDS = {
    "ldc": "LDCs",
    "lldc": "landlocked developing countries",
    "sids": "SIDS",
    "fragile": "in a fragile situation",
}
REASON_THRESHOLD = 0.05


@cache
def language_name(code: str) -> str:
    return Locale("en").languages.get(code, code)


@dataclass(frozen=True)
class Parties:
    """The names and country rows one suggestion's reasons quote, looked up once."""

    provider: str
    facilitator: str
    provider_row: int
    need_row: int
    beneficiary: str


class Explainer:
    def __init__(self, index: CatalogueIndex) -> None:
        self.index = index

    def _sector_names(self, codes: list[str]) -> str:
        terms = default_taxonomy().terms["sector"]
        return ", ".join(terms[c].name.lower() for c in codes if c in terms)

    def provider_records(
        self, need: ResolvedNeed, p: int, names: list[str], values: np.ndarray, contributions: np.ndarray
    ) -> list[dict[str, Any]]:
        parties = self._parties(need, p)
        return [
            self._record(f"provider.{name}", value, c, self._provider_reason(need, parties, p, name, value))
            for name, value, c in zip(names, values.tolist(), contributions.tolist(), strict=True)
        ]

    def facilitator_records(
        self,
        need: ResolvedNeed,
        p: int,
        f: int,
        names: list[str],
        values: np.ndarray,
        contributions: np.ndarray,
    ) -> list[dict[str, Any]]:
        parties = self._parties(need, p, f)
        records = []
        for name, value, c in zip(names, values.tolist(), contributions.tolist(), strict=True):
            prefix = "cooperation" if name in PAIR_FEATURES else "facilitator"
            reason = self._facilitator_reason(parties, name, value)
            records.append(self._record(f"{prefix}.{name}", value, c, reason))
        return records

    def _parties(self, need: ResolvedNeed, p: int, f: int | None = None) -> Parties:
        index, facts = self.index, self.index.countries
        need_row = facts.index[need.country]
        return Parties(
            provider=str(index.provider_names[p]),
            facilitator="" if f is None else str(index.facilitator_names[f]),
            provider_row=int(index.provider_country[p]),
            need_row=need_row,
            beneficiary=facts.names[need_row],
        )

    @staticmethod
    def penalty_record(penalty: float) -> dict[str, Any]:
        return {
            "feature": "diversity.repeat_provider",
            "group": "diversity",
            "value": 1.0,
            "contribution": float(penalty),
            "reason": "the same provider already appears higher in the list",
        }

    @staticmethod
    def _record(feature: str, value: float, contribution: float, reason: str) -> dict[str, Any]:
        group = GROUPS.get(feature, "cooperation" if feature.startswith("cooperation.") else "random")
        return {
            "feature": feature,
            "group": group,
            "value": value,
            "contribution": contribution,
            "reason": reason,
        }

    @staticmethod
    def reasons(records: list[dict[str, Any]], limit: int = 5) -> list[str]:
        """The reasons behind the largest positive contributions, strongest first."""
        positive = [r for r in records if r["contribution"] > REASON_THRESHOLD and r["reason"]]
        positive.sort(key=lambda r: -r["contribution"])
        return [r["reason"] for r in positive[:limit]]

    def _provider_reason(self, need: ResolvedNeed, parties: Parties, p: int, name: str, value: float) -> str:
        facts = self.index.countries
        who, row, need_row, beneficiary = (
            parties.provider,
            parties.provider_row,
            parties.need_row,
            parties.beneficiary,
        )
        count = round(math.expm1(value)) if name.endswith(("experience", "cooperation")) else 0
        match name:
            case "text_similarity":
                return f"{who}'s profile uses similar words (cosine {value:.2f})"
            case "history_text_similarity":
                return f"{who}'s past partnerships read like this need (cosine {value:.2f})"
            case "sector_overlap":
                return f"{who} works in {value:.0%} of the need's sectors" if value else ""
            case "sdg_overlap":
                return f"{who} works on {value:.0%} of the need's SDGs" if value else ""
            case "modality_overlap":
                return f"{who} offers {value:.0%} of the requested modalities" if value else ""
            case "language_match":
                shared = self._shared_languages(need.languages, p)
                return f"{who} works in {shared}" if value and shared else ""
            case "distance":
                return f"capitals about {np.expm1(value) * 1000:,.0f} km apart"
            case "same_region":
                return f"both in {facts.groups[row][0]}" if value else ""
            case "same_sub_region":
                return f"both in {facts.groups[row][1]}" if value else ""
            case "serves_region":
                area = facts.groups[need_row][-1] if facts.groups[need_row] else "the region"
                return f"{who} already serves {area}" if value else ""
            case "shared_official_language":
                common = sorted(set(facts.languages[row]) & set(facts.languages[need_row]))
                return f"shares {', '.join(language_name(c) for c in common)}" if value else ""
            case "similar_context":
                both = [
                    FLAG_WORDS[f]
                    for i, f in enumerate(CONTEXT_FLAGS)
                    if facts.flags[row, i] and facts.flags[need_row, i]
                ]
                return f"both are {' and '.join(both)}" if both else ""
            case "income_gap":
                return f"income group {int(value):+d} step(s) from {beneficiary}'s" if value else ""
            case "experience":
                return f"{who} was the provider in {count} past partnership(s)" if count else ""
            case "sector_experience":
                sectors = self._sector_names(need.all_sectors())
                return f"{who} was the provider in {count} partnership(s) in {sectors}" if count else ""
            case "sdg_experience":
                return f"{who} has {count} past partnership(s) on the need's SDGs" if count else ""
            case "region_experience":
                return (
                    f"{who} has {count} past partnership(s) in the beneficiary's sub-region" if count else ""
                )
            case "past_cooperation":
                return f"{who} already worked with {beneficiary} in {count} partnership(s)" if count else ""
            case "random":
                return "random baseline draw"
        return ""

    def _facilitator_reason(self, parties: Parties, name: str, value: float) -> str:
        who, provider, beneficiary = parties.facilitator, parties.provider, parties.beneficiary
        count = round(math.expm1(value)) if name.endswith(("experience", "activity", "cooperation")) else 0
        match name:
            case "text_similarity":
                return f"{who}'s mandate uses similar words (cosine {value:.2f})"
            case "history_text_similarity":
                return f"{who} supported partnerships that read like this need (cosine {value:.2f})"
            case "sector_overlap":
                return f"{who} funds {value:.0%} of the need's sectors" if value else ""
            case "sdg_overlap":
                return f"{who} works on {value:.0%} of the need's SDGs" if value else ""
            case "modality_overlap":
                return f"{who} supports {value:.0%} of the requested modalities" if value else ""
            case "language_match":
                return f"{who} works in the need's language" if value else ""
            case "regional_focus":
                return f"{who} focuses on {beneficiary}'s region" if value else ""
            case "experience":
                return f"{who} facilitated {count} past partnership(s)" if count else ""
            case "country_activity":
                return f"{who} facilitated {count} partnership(s) in {beneficiary}" if count else ""
            case "sector_activity":
                return f"{who} facilitated {count} partnership(s) in the need's sectors" if count else ""
            case "region_activity":
                return (
                    f"{who} facilitated {count} partnership(s) in the beneficiary's sub-region"
                    if count
                    else ""
                )
            case "provider_cooperation":
                return f"{provider} and {who} worked together in {count} partnership(s)" if count else ""
            case "provider_language":
                return f"{provider} and {who} share a working language" if value else ""
            case "random":
                return "random baseline draw"
        return ""

    def _shared_languages(self, languages: list[str], p: int) -> str:
        tags = self.index.provider_tags
        own = set(tags.indices[tags.indptr[p] : tags.indptr[p + 1]].tolist())
        vocabulary = self.index.tags.vocabulary_
        have = {lang for lang in languages if vocabulary.get(f"language={lang}") in own}
        return ", ".join(language_name(c) for c in sorted(have))
