"""Additive rankers: score = prior + sum of per-feature contributions, in log-odds.

Every ranker, baselines included, follows one contract: `fit(X, y)`, `contributions(X)` giving
the prior and one column per output feature, and `score(X)` = their sum. Contributions are
measured from each feature's reference value (its "absent" value), so missing facts add 0.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import SplineTransformer
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
    need's sectors (+2.0) counts most, then similar wording (+3.0 per unit of cosine, which rarely
    exceeds 0.5), shared official language (+0.8), serving the region (+0.6), and a track record
    (+0.5 per e-fold of past partnerships). Distance counts against (-0.3 per e-fold of 1000 km).
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
    """Baseline: TF-IDF cosine between the need and the profile."""

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


class LearnedRanker(AdditiveRanker):
    """Logistic regression on spline-expanded features: a generalised additive model.

    Each feature's contribution is its own spline term evaluated at the value minus the same term
    at the reference value, so the contributions and the prior add up exactly to the log-odds.
    """

    name = "learned"

    def __init__(
        self, C: float = 0.3, n_knots: int = 4, degree: int = 2, splines: bool = True, min_unique: int = 20
    ) -> None:
        self.C = C
        self.n_knots = n_knots
        self.degree = degree
        self.splines = splines
        self.min_unique = min_unique

    def fit(
        self,
        X: np.ndarray,
        y: np.ndarray,
        features: FeatureSet,
        sample_weight: np.ndarray | None = None,
    ) -> LearnedRanker:
        if X.shape[1] != len(features):
            raise ValueError(f"X has {X.shape[1]} columns but {len(features)} features")
        if len(np.unique(y)) < 2:
            raise ValueError("the learned ranker needs positive and negative examples")
        self.feature_names_ = features.names
        self.reference_ = features.reference
        self.transformers_: list[SplineTransformer | None] = []
        for j in range(X.shape[1]):
            column = X[:, j : j + 1]
            # a spline only where there are enough distinct values to shape it; a few-valued
            # feature gets one slope, else its basis columns go unconstrained and cancel out
            if self.splines and len(np.unique(column)) >= self.min_unique:
                spline = SplineTransformer(
                    n_knots=self.n_knots, degree=self.degree, extrapolation="constant"
                ).fit(column)
                self.transformers_.append(spline)
            else:
                self.transformers_.append(None)
        design = self._expand(X)
        # linear columns are standardised so one C regularises them alike; spline bases are in [0, 1]
        is_linear = np.concatenate(
            [np.full(1 if t is None else t.n_features_out_, t is None) for t in self.transformers_]
        )
        self.scale_ = np.where(is_linear, np.maximum(design.std(axis=0), 1e-3), 1.0)
        self.model_ = LogisticRegression(C=self.C, max_iter=5000).fit(
            design / self.scale_, y, sample_weight=sample_weight
        )
        self.coef_ = self.model_.coef_.ravel() / self.scale_
        reference_terms = self._terms(self.reference_[None, :])
        self.prior_ = float(self.model_.intercept_[0] + reference_terms.sum())
        self.reference_terms_ = reference_terms.ravel()
        return self

    def _blocks(self, X: np.ndarray) -> list[np.ndarray]:
        blocks = []
        for j, transformer in enumerate(self.transformers_):
            column = X[:, j : j + 1]
            blocks.append(column if transformer is None else _spline_basis(transformer, column[:, 0]))
        return blocks

    def _expand(self, X: np.ndarray) -> np.ndarray:
        return np.hstack(self._blocks(X))

    def _terms(self, X: np.ndarray, columns: list[int] | None = None) -> np.ndarray:
        """Per-feature terms (n, d): each block times its coefficients; only `columns` if given,
        X then holding just those."""
        columns = list(range(len(self.transformers_))) if columns is None else columns
        starts = np.cumsum([0, *(1 if t is None else t.n_features_out_ for t in self.transformers_)])
        terms = np.zeros((len(X), len(columns)))
        for i, j in enumerate(columns):
            transformer, values = self.transformers_[j], X[:, i]
            block = values[:, None] if transformer is None else _spline_basis(transformer, values)
            terms[:, i] = block @ self.coef_[starts[j] : starts[j + 1]]
        return terms

    def column_contributions(self, X: np.ndarray, columns: list[int]) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self._terms(X, columns) - self.reference_terms_[columns]

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        check_is_fitted(self, "model_")
        return self.prior_, self._terms(X) - self.reference_terms_


def _spline_basis(spline: SplineTransformer, values: np.ndarray) -> np.ndarray:
    """`spline.transform` for one column with constant extrapolation, without the per-call checks
    that cost more than the arithmetic on a few hundred rows (equal to it; a test proves it)."""
    basis = spline.bsplines_[0]
    low, high = basis.t[basis.k], basis.t[-basis.k - 1]
    return np.asarray(basis(np.clip(values, low, high)))


RANKERS: dict[str, type[AdditiveRanker]] = {
    cls.name: cls for cls in (LearnedRanker, PriorRanker, PopularityRanker, TextOnlyRanker, RandomRanker)
}
