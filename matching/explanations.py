"""Explanation records that add up to the score, with reasons worded from each feature's declaration.

A suggestion's explanation is its prior plus one record per feature
`{feature, label, group, value, contribution, reason, effect}`; prior + sum(contribution) is the score
that ordered the list. A record that raises the score reads its feature's helping template, one
that lowers it the caveat template, and one at 0 (a missing input) says nothing.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import scipy.sparse as sp

from features.catalogue_index import CatalogueIndex
from features.facilitator_features import FACILITATOR_FEATURES
from features.feature_spec import Effect, Feature, FeatureSet
from features.history import HistoryIndex
from features.needs import ResolvedNeed
from features.provider_features import PROVIDER_FEATURES
from features.reason_facts import ReasonFacts
from features.semantic_index import SemanticIndex
from matching.records import Contribution

REASON_THRESHOLD = 0.05
RANDOM_FEATURE = "random"
RANDOM_LABEL = "Random draw (a baseline, not a recommendation)"
REPEAT_PROVIDER_LABEL = "Same provider already higher in the list"
PRIOR_LABEL = "Starting point: how often such triads occur"
OTHER_FEATURE = "other"
TOP_RECORDS = 5  # the records `explain=top` keeps per suggestion, the rest summed into one


def feature_label(name: str) -> str:
    """The plain label of a record's feature name (`provider.distance`), also for stored answers
    written before records carried labels; an unknown name is shown as it is."""
    return _labels().get(name, name)


@cache
def _labels() -> dict[str, str]:
    labels = {"diversity.repeat_provider": REPEAT_PROVIDER_LABEL, "prior": PRIOR_LABEL,
              OTHER_FEATURE: "Other features together"}  # fmt: skip
    for features in (PROVIDER_FEATURES, FACILITATOR_FEATURES):
        labels[f"{features.prefix}.{RANDOM_FEATURE}"] = RANDOM_LABEL
        labels.update({features.qualified(f): f.label for f in features.features})
    return labels


@cache
def _declared(features: FeatureSet, names: tuple[str, ...]) -> list[tuple[Feature, str]]:
    """Each output name's declaration and qualified name, looked up once per ranker layout."""
    return [(features[name], features.qualified(features[name])) for name in names]


class Explainer:
    def __init__(
        self, index: CatalogueIndex, history: HistoryIndex, semantic: SemanticIndex | None = None
    ) -> None:
        self.index = index
        self.history = history
        self.semantic = semantic

    def partnership_similarity(self, need: ResolvedNeed, vector: sp.csr_matrix) -> np.ndarray:
        """The need's cosine with every past partnership it may see, once for all its reasons."""
        return self.history.cosines_with(vector, need.as_of)

    def facts(self, need: ResolvedNeed, similarity: np.ndarray, p: int, f: int | None = None) -> ReasonFacts:
        return ReasonFacts(self.index, self.history, need, similarity, p, f, self.semantic)

    def records(
        self,
        features: FeatureSet,
        facts: ReasonFacts,
        names: list[str],
        values: np.ndarray,
        contributions: np.ndarray,
    ) -> list[Contribution]:
        """One record per output feature of a ranker (`names`: its fitted feature names)."""
        if names == [RANDOM_FEATURE]:
            value, contribution = float(values[0]), float(contributions[0])
            effect: Effect = "raises" if contribution > 0 else "none"
            return [Contribution(f"{features.prefix}.random", "random", value, contribution,
                                 "random baseline draw", effect, RANDOM_LABEL)]  # fmt: skip
        out = []
        declared = _declared(features, tuple(names))
        for (feature, qualified), value, contribution in zip(
            declared, values.tolist(), contributions.tolist(), strict=True
        ):
            sign: Effect = "raises" if contribution > 0 else "lowers" if contribution < 0 else "none"
            reason = feature.reason(facts, value, contribution)
            label = feature.label
            out.append(Contribution(qualified, feature.group, value, contribution, reason, sign, label))
        return out

    @staticmethod
    def penalty_record(penalty: float) -> Contribution:
        return Contribution(
            "diversity.repeat_provider",
            "diversity",
            1.0,
            float(penalty),
            "the same provider already appears higher in the list",
            "lowers" if penalty < 0 else "none",
            REPEAT_PROVIDER_LABEL,
        )

    @staticmethod
    def top_records(records: list[Contribution], keep: int = TOP_RECORDS) -> list[Contribution]:
        """The `keep` records of largest |contribution|, in their order, and one record summing
        the others, so that the prior plus the records still adds up to the score."""
        if len(records) <= keep + 1:
            return records
        ranked = sorted(range(len(records)), key=lambda i: -abs(records[i].contribution))
        kept = sorted(ranked[:keep])
        total = sum(r.contribution for r in records)
        rest = total - sum(records[i].contribution for i in kept)
        count = len(records) - keep
        label = f"{count} other features together"
        effect: Effect = "raises" if rest > 0 else "lowers" if rest < 0 else "none"
        other = Contribution(OTHER_FEATURE, OTHER_FEATURE, float(count), rest, "", effect, label)
        return [*(records[i] for i in kept), other]

    @staticmethod
    def reasons(records: list[Contribution], limit: int = 5) -> list[str]:
        """The reasons behind the largest contributions either way, by |contribution|: a fact
        that lowers the score is worded as a caveat."""
        strong = [r for r in records if abs(r.contribution) > REASON_THRESHOLD and r.reason]
        strong.sort(key=lambda r: -abs(r.contribution))
        return [r.reason for r in strong[:limit]]
