"""The contract every ranker follows: score = prior + sum of per-feature contributions, in log-odds.

`fit(X, y, features)`, `contributions(X)` giving the prior and one column per output feature,
and `score(X)` = their sum. Contributions are measured from each feature's reference value (its
"absent" value), so missing facts add 0.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from features.feature_spec import FeatureSet


class AdditiveRanker(BaseEstimator):
    name: ClassVar[str] = "additive"
    # each contribution depends on its own feature alone, so columns can be scored separately
    separable: ClassVar[bool] = True

    def fit(self, X: np.ndarray, y: np.ndarray, features: FeatureSet) -> AdditiveRanker:
        raise NotImplementedError

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        raise NotImplementedError

    def column_contributions(self, X: np.ndarray, columns: list[int]) -> np.ndarray:
        """Contributions of the features `columns` only, X holding just those columns; equal to
        the same columns of `contributions` on full rows (for a separable ranker)."""
        full = np.tile(self.reference_, (len(X), 1))
        full[:, columns] = X
        return self.contributions(full)[1][:, columns]

    def output_names(self) -> list[str]:
        check_is_fitted(self, "feature_names_")
        return list(self.feature_names_)

    def values(self, X: np.ndarray) -> np.ndarray:
        """The value shown beside each contribution."""
        return X

    def score(self, X: np.ndarray) -> np.ndarray:
        prior, contributions = self.contributions(X)
        return prior + contributions.sum(axis=1)
