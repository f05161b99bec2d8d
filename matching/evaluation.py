"""Ranking metrics as pure functions: one value per query, so results can be sliced by subset.

`ranked` is a list (one per query) of ranked item ids, best first; `relevant` a list of sets of
the ids that count as a hit. Inputs are checked first; a query with nothing relevant is an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np

Ranked = Sequence[Sequence[Hashable]]
Relevant = Sequence[set[Hashable]]


def _check(ranked: Ranked, relevant: Relevant, k: int | None = None) -> None:
    if len(ranked) != len(relevant):
        raise ValueError(f"got {len(ranked)} ranked lists but {len(relevant)} relevant sets")
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    for i, items in enumerate(relevant):
        if not items:
            raise ValueError(f"query {i} has no relevant item")


def dedupe(items: Sequence[Hashable]) -> list[Hashable]:
    """Keep the first occurrence of each item (e.g. providers mapped to their country)."""
    return list(dict.fromkeys(items))


def hit_at_k(ranked: Ranked, relevant: Relevant, k: int) -> np.ndarray:
    _check(ranked, relevant, k)
    return np.array([float(any(i in rel for i in r[:k])) for r, rel in zip(ranked, relevant, strict=True)])


def recall_at_k(ranked: Ranked, relevant: Relevant, k: int) -> np.ndarray:
    _check(ranked, relevant, k)
    return np.array([len(set(r[:k]) & rel) / len(rel) for r, rel in zip(ranked, relevant, strict=True)])


def ndcg_at_k(ranked: Ranked, relevant: Relevant, k: int) -> np.ndarray:
    """Binary-relevance NDCG: DCG = sum of 1/log2(rank+1) over hits in the top k, over the ideal."""
    _check(ranked, relevant, k)
    scores = []
    for r, rel in zip(ranked, relevant, strict=True):
        top = dedupe(r[:k])
        dcg = sum(1.0 / np.log2(i + 2) for i, item in enumerate(top) if item in rel)
        ideal = sum(1.0 / np.log2(i + 2) for i in range(min(len(rel), k)))
        scores.append(dcg / ideal)
    return np.array(scores)


def reciprocal_rank(ranked: Ranked, relevant: Relevant) -> np.ndarray:
    """1/rank of the first hit, 0 when nothing relevant was ranked."""
    _check(ranked, relevant)
    out = []
    for r, rel in zip(ranked, relevant, strict=True):
        position = next((i for i, item in enumerate(r) if item in rel), None)
        out.append(0.0 if position is None else 1.0 / (position + 1))
    return np.array(out)


def catalogue_coverage(ranked: Ranked, catalogue: Sequence[Hashable], k: int) -> float:
    """Share of the catalogue that appears in at least one top-k list."""
    if not catalogue:
        raise ValueError("the catalogue is empty")
    shown = {item for r in ranked for item in r[:k]}
    return len(shown & set(catalogue)) / len(set(catalogue))


def gini(counts: Sequence[float]) -> float:
    """Gini coefficient of non-negative counts: 0 = equal exposure, -> 1 = one item gets all."""
    values = np.sort(np.asarray(counts, dtype=float))
    if len(values) == 0 or (values < 0).any():
        raise ValueError("gini needs a non-empty list of non-negative counts")
    total = values.sum()
    if total == 0:
        return 0.0
    n = len(values)
    cumulative = np.cumsum(values)
    return float((n + 1 - 2 * (cumulative / total).sum()) / n)


def exposure_gini(ranked: Ranked, catalogue: Sequence[Hashable], k: int) -> float:
    """Concentration of how often each catalogue item is proposed in the top k (zeros included)."""
    counts = Counter(item for r in ranked for item in r[:k])
    return gini([counts.get(item, 0) for item in dict.fromkeys(catalogue)])


def _check_lists(ranked: Ranked, k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    for i, items in enumerate(ranked):
        if not items:
            raise ValueError(f"query {i} has an empty list")


def distinct_at_k(ranked: Ranked, k: int) -> np.ndarray:
    """How many distinct items each top k holds (e.g. the facilitators of the top 10 triads)."""
    _check_lists(ranked, k)
    return np.array([float(len(set(r[:k]))) for r in ranked])


def top_share_at_k(ranked: Ranked, k: int) -> np.ndarray:
    """Share of each top k taken by its most frequent item (1 = one item fills the whole list)."""
    _check_lists(ranked, k)
    return np.array([Counter(r[:k]).most_common(1)[0][1] / len(r[:k]) for r in ranked])
