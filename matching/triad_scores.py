"""Scores of every (provider, facilitator) pair for one need, from the facilitator ranker.

The need–facilitator features are the same whichever provider a facilitator is paired with; only
the two provider–facilitator columns change. A separable (additive) ranker therefore scores the
need–facilitator part once per facilitator and those two columns once per pair. The totals equal
scoring every full pair row, which a non-separable ranker (the random baseline) still does.
"""

from __future__ import annotations

import numpy as np

from features.facilitator_features import FACILITATOR_FEATURES
from matching.rankers import AdditiveRanker

COOPERATION_COLUMNS = FACILITATOR_FEATURES.columns(per_pair=True)
NEED_COLUMNS = FACILITATOR_FEATURES.columns(per_pair=False)


def pair_rows(base: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Full feature rows of every pair, provider-major: (P * F, d)."""
    rows = np.repeat(base[None, :, :], pairs.shape[0], axis=0)
    rows[:, :, COOPERATION_COLUMNS] = pairs
    return rows.reshape(-1, base.shape[1])


class TriadScores:
    """`scores[p, f]`: provider p's score plus facilitator f's contributions when paired with p."""

    def __init__(
        self, ranker: AdditiveRanker, provider_scores: np.ndarray, base: np.ndarray, pairs: np.ndarray
    ) -> None:
        self.ranker, self.base, self.pairs = ranker, base, pairs
        n_p, n_f = pairs.shape[:2]
        if ranker.separable:
            self.prior, self.base_contributions = ranker.contributions(base)
            self.pair_contributions = ranker.column_contributions(
                pairs.reshape(-1, len(COOPERATION_COLUMNS)), COOPERATION_COLUMNS
            ).reshape(n_p, n_f, -1)
            facilitator = self.base_contributions[:, NEED_COLUMNS].sum(axis=1)
            pair = self.pair_contributions.sum(axis=2)
        else:
            rows = pair_rows(base, pairs)
            self.prior, self.row_contributions = ranker.contributions(rows)
            self.row_values = ranker.values(rows)
            facilitator, pair = np.zeros(n_f), self.row_contributions.sum(axis=1).reshape(n_p, n_f)
        self.scores = provider_scores[:, None] + self.prior + facilitator[None, :] + pair

    def explain(self, p: int, f: int) -> tuple[np.ndarray, np.ndarray]:
        """Feature values and contributions of one pair (positions in the provider and facilitator lists)."""
        if not self.ranker.separable:
            row = p * self.pairs.shape[1] + f
            return self.row_values[row], self.row_contributions[row]
        values = self.base[f].copy()
        values[COOPERATION_COLUMNS] = self.pairs[p, f]
        contributions = self.base_contributions[f].copy()
        contributions[COOPERATION_COLUMNS] = self.pair_contributions[p, f]
        return self.ranker.values(values[None, :])[0], contributions
