"""Metric values computed by hand on tiny rankings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matching.evaluation import (
    catalogue_coverage,
    dedupe,
    distinct_at_k,
    exposure_gini,
    gini,
    hit_at_k,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    top_share_at_k,
)

RANKED = [["a", "b", "c", "d"], ["c", "a", "b", "d"], ["d", "c", "b", "a"]]
RELEVANT = [{"a"}, {"b", "d"}, {"e"}]


def test_hit_at_k() -> None:
    assert hit_at_k(RANKED, RELEVANT, 1).tolist() == [1.0, 0.0, 0.0]
    assert hit_at_k(RANKED, RELEVANT, 3).tolist() == [1.0, 1.0, 0.0]


def test_recall_at_k() -> None:
    # query 2: b at rank 3 and d at rank 4; two relevant items
    assert recall_at_k(RANKED, RELEVANT, 3).tolist() == [1.0, 0.5, 0.0]
    assert recall_at_k(RANKED, RELEVANT, 4).tolist() == [1.0, 1.0, 0.0]


def test_ndcg_by_hand() -> None:
    values = ndcg_at_k(RANKED, RELEVANT, 4)
    assert values[0] == pytest.approx(1.0)
    # hits at ranks 3 and 4: (1/log2(4) + 1/log2(5)) / (1 + 1/log2(3))
    expected = (1 / 2 + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert values[1] == pytest.approx(expected)
    assert values[2] == 0.0


def test_ndcg_with_k_larger_than_the_list() -> None:
    assert ndcg_at_k([["x", "a"]], [{"a"}], 10)[0] == pytest.approx(1 / math.log2(3))


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(RANKED, RELEVANT).tolist() == [1.0, pytest.approx(1 / 3), 0.0]


def test_perfect_ranking_scores_one_everywhere() -> None:
    ranked, relevant = [["a", "b"]], [{"a", "b"}]
    assert hit_at_k(ranked, relevant, 1)[0] == 1.0
    assert ndcg_at_k(ranked, relevant, 2)[0] == pytest.approx(1.0)
    assert reciprocal_rank(ranked, relevant)[0] == 1.0


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="got 2 ranked lists but 1 relevant sets"):
        hit_at_k([["a"], ["b"]], [{"a"}], 1)
    with pytest.raises(ValueError, match="query 0 has no relevant item"):
        reciprocal_rank([["a"]], [set()])
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        ndcg_at_k([["a"]], [{"a"}], 0)


def test_coverage_and_exposure() -> None:
    catalogue = ["a", "b", "c", "d", "e"]
    assert catalogue_coverage(RANKED, catalogue, 1) == pytest.approx(3 / 5)
    # exposure at k=1: a, c, d once each; b, e never -> counts [0, 0, 1, 1, 1]
    assert exposure_gini(RANKED, catalogue, 1) == pytest.approx(gini([0, 0, 1, 1, 1]))
    assert gini([0, 0, 1, 1, 1]) == pytest.approx(0.4)
    assert gini([5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 9]) == pytest.approx(0.75)


def test_gini_matches_a_slow_reference() -> None:
    rng = np.random.default_rng(1)
    counts = rng.integers(0, 20, size=30)
    pairs = sum(abs(int(a) - int(b)) for a in counts for b in counts)
    assert gini(counts) == pytest.approx(pairs / (2 * len(counts) ** 2 * counts.mean()))


def test_dedupe_keeps_first_occurrence() -> None:
    assert dedupe(["BRA", "IND", "BRA", "CHN"]) == ["BRA", "IND", "CHN"]


def test_diversity_of_ten_triads_by_hand() -> None:
    shown = [["UNDP"] * 8 + ["WFP", "FAO"], ["WFP", "FAO", "WFP", "IFAD"]]
    assert distinct_at_k(shown, 10).tolist() == [3.0, 3.0]
    # a list shorter than k: the share is of what is shown (2 of 4)
    assert top_share_at_k(shown, 10).tolist() == [pytest.approx(0.8), pytest.approx(0.5)]
    assert top_share_at_k([["a", "b", "c"]], 1)[0] == 1.0


def test_diversity_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="query 1 has an empty list"):
        distinct_at_k([["a"], []], 10)
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        top_share_at_k([["a"]], 0)
