"""Additive rankers: score = prior + sum of per-feature contributions, in log-odds.

Every ranker, baselines included, follows one contract: `fit(X, y)`, `contributions(X)` giving
the prior and one column per output feature, and `score(X)` = their sum. Contributions are
measured from each feature's reference value (its "absent" value), so missing facts add 0.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.utils.validation import check_is_fitted

from features.feature_spec import FeatureSet
from matching.learned_ranker import LearnedRanker
from matching.ranker_base import AdditiveRanker


class LinearRanker(AdditiveRanker):
    """Fixed weights on named features; the base of the prior ranker and two baselines."""

    weights: ClassVar[dict[str, float]] = {}
    intercept: ClassVar[float] = 0.0

    def fit(self, X: np.ndarray, y: np.ndarray, features: FeatureSet) -> LinearRanker:
        self.feature_names_ = features.names
        self.reference_ = features.reference
        self.coef_ = self._weights(features)
        self.prior_ = float(self.intercept)
        return self

    def _weights(self, features: FeatureSet) -> np.ndarray:
        for name in self.weights:
            features[name]  # an unknown name is an error, never a silent 0
        return np.array([self.weights.get(n, 0.0) for n in features.names])

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        check_is_fitted(self, "coef_")
        return self.prior_, (X - self.reference_) * self.coef_


class PriorRanker(LinearRanker):
    """Cold start: the hand-set `prior_weight` of each feature's declaration, usable with no history.

    The weights say, in log-odds, how much each fact should move a match: a full match of the
    need's sectors (+2.0) counts most, then similar wording (+3.0 for the need's closest profile, a
    share of that for the others), shared official language (+0.8), serving the region (+0.6), and
    a track record (+0.5 per e-fold of past partnerships). Distance counts against (-0.3 per e-fold
    of 1000 km).
    """

    name = "prior"
    intercept = -4.0

    def _weights(self, features: FeatureSet) -> np.ndarray:
        return features.prior_weights()


class PopularityRanker(LinearRanker):
    """Baseline: the more past partnerships, the higher."""

    name = "popularity"
    weights = {"experience": 1.0}


class TextOnlyRanker(LinearRanker):
    """Baseline: TF-IDF cosine between the need and the profile (as a share of the need's best,
    which orders one need's providers as the cosine does)."""

    name = "text-only"
    weights = {"text_similarity": 1.0}


class RandomRanker(AdditiveRanker):
    """Baseline: a uniform random score (its one 'feature' is the draw)."""

    name = "random"
    separable = False

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray, features: FeatureSet) -> RandomRanker:
        self.feature_names_ = ["random"]
        self.rng_ = np.random.default_rng(self.random_state)
        return self

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        check_is_fitted(self, "rng_")
        self.last_draw_ = self.rng_.random((len(X), 1))
        return 0.0, self.last_draw_

    def values(self, X: np.ndarray) -> np.ndarray:
        return self.last_draw_


RANKERS: dict[str, type[AdditiveRanker]] = {
    cls.name: cls for cls in (LearnedRanker, PriorRanker, PopularityRanker, TextOnlyRanker, RandomRanker)
}
