"""The learned ranker: a generalised additive model (logistic regression on spline-expanded
features) whose terms keep the sign each feature's declaration allows.

A feature that can only help by its meaning (sign "positive") gets a non-decreasing term: its
spline basis is replaced by the tail sums of the B-spline basis, each non-decreasing in the value,
with non-negative coefficients; a few-valued feature gets one non-negative slope. "negative" is
the mirror image. Its reference value being the lowest it takes, such a term never contributes
< 0. The fit is L2-regularised log-loss, minimised with scipy's L-BFGS-B under those bounds.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.preprocessing import SplineTransformer
from sklearn.utils.validation import check_is_fitted

from features.feature_spec import FeatureSet, Sign
from matching.ranker_base import AdditiveRanker


class LearnedRanker(AdditiveRanker):
    """Each feature's contribution is its own term evaluated at the value minus the same term at
    the reference value, so the contributions and the prior add up exactly to the log-odds."""

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
        self, X: np.ndarray, y: np.ndarray, features: FeatureSet, sample_weight: np.ndarray | None = None
    ) -> LearnedRanker:
        if X.shape[1] != len(features):
            raise ValueError(f"X has {X.shape[1]} columns but {len(features)} features")
        if len(np.unique(y)) < 2:
            raise ValueError("the learned ranker needs positive and negative examples")
        self.feature_names_ = features.names
        self.reference_ = features.reference
        self.signs_: list[Sign] = features.signs
        self.transformers_: list[SplineTransformer | None] = []
        for j in range(X.shape[1]):
            column = X[:, j : j + 1]
            # a spline only where there are enough distinct values to shape it; a few-valued
            # feature gets one slope, else its basis columns go unconstrained and cancel out
            if self.splines and len(np.unique(column)) >= self.min_unique:
                spline = SplineTransformer(n_knots=self.n_knots, degree=self.degree, extrapolation="constant")
                self.transformers_.append(spline.fit(column))
            else:
                self.transformers_.append(None)
        blocks = [self.block(j, X[:, j]) for j in range(X.shape[1])]
        design = np.hstack(blocks)
        # linear columns are standardised so one C regularises them alike; spline bases are in [0, 1]
        is_linear = np.concatenate(
            [np.full(b.shape[1], t is None) for b, t in zip(blocks, self.transformers_, strict=True)]
        )
        self.scale_ = np.where(is_linear, np.maximum(design.std(axis=0), 1e-3), 1.0)
        least = np.concatenate(
            [np.full(b.shape[1], w) for b, w in zip(blocks, features.least_weights, strict=True)]
        )
        least *= self.scale_  # a least weight per unit of the feature, on the scaled column
        signs = [sign for sign, b in zip(self.signs_, blocks, strict=True) for _ in range(b.shape[1])]
        bounds = [_bound(sign, float(w)) for sign, w in zip(signs, least, strict=True)]
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        coef, self.intercept_ = _bounded_logistic(
            design / self.scale_, np.asarray(y), weights, self.C, bounds
        )
        self.coef_ = coef / self.scale_
        self.widths_ = [b.shape[1] for b in blocks]
        reference_terms = self._terms(self.reference_[None, :])
        self.prior_ = float(self.intercept_ + reference_terms.sum())
        self.reference_terms_ = reference_terms.ravel()
        return self

    def block(self, j: int, values: np.ndarray) -> np.ndarray:
        """Design columns of feature j: the value, its B-spline basis, or (signed) the basis' tail sums."""
        transformer = self.transformers_[j]
        if transformer is None:
            return values[:, None]
        basis = _spline_basis(transformer, values)
        if self.signs_[j] == "free":
            return basis
        # tail sums: column i = sum of basis columns i.. ; the first (all ones) joins the intercept
        return np.cumsum(basis[:, ::-1], axis=1)[:, ::-1][:, 1:]

    def _terms(self, X: np.ndarray, columns: list[int] | None = None) -> np.ndarray:
        """Per-feature terms (n, d): each block times its coefficients; only `columns` if given,
        X then holding just those."""
        columns = list(range(len(self.transformers_))) if columns is None else columns
        starts = np.cumsum([0, *self.widths_])
        terms = np.zeros((len(X), len(columns)))
        for i, j in enumerate(columns):
            terms[:, i] = self.block(j, X[:, i]) @ self.coef_[starts[j] : starts[j + 1]]
        return terms

    def column_contributions(self, X: np.ndarray, columns: list[int]) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return self._terms(X, columns) - self.reference_terms_[columns]

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        check_is_fitted(self, "coef_")
        return self.prior_, self._terms(X) - self.reference_terms_


def _bound(sign: Sign, least: float) -> tuple[float | None, float | None]:
    return {"free": (None, None), "positive": (least, None), "negative": (None, -least)}[sign]


def _bounded_logistic(
    X: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    C: float,
    bounds: list[tuple[float | None, float | None]],
) -> tuple[np.ndarray, float]:
    """Coefficients and intercept minimising C·Σ w·logloss + ½‖coef‖² (scikit-learn's objective;
    the intercept is not penalised) with each coefficient inside its bounds. The tolerances are
    tight on purpose: with L-BFGS-B's defaults the coefficients moved by 1e-3 with the order of
    the rows, enough to swap near-tied triads."""
    sign = 2.0 * y - 1.0

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = theta[:-1], theta[-1]
        margin = sign * (X @ coef + intercept)
        loss = -C * float(weights @ log_expit(margin)) + 0.5 * float(coef @ coef)
        slope = -C * weights * sign * expit(-margin)
        grad = np.append(X.T @ slope + coef, slope.sum())
        return loss, grad

    start = np.zeros(X.shape[1] + 1)
    result = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)],
                      options={"maxiter": 20000, "ftol": 1e-14, "gtol": 1e-9})  # fmt: skip
    return result.x[:-1], float(result.x[-1])


def _spline_basis(spline: SplineTransformer, values: np.ndarray) -> np.ndarray:
    """`spline.transform` for one column with constant extrapolation, without the per-call checks
    that cost more than the arithmetic on a few hundred rows (equal to it; a test proves it)."""
    basis = spline.bsplines_[0]
    low, high = basis.t[basis.k], basis.t[-basis.k - 1]
    return np.asarray(basis(np.clip(values, low, high)))
