"""Stage one: cheap, vectorised candidate retrieval over the whole provider catalogue."""

from __future__ import annotations

import numpy as np


def top_k(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k highest scores, best first, among allowed rows with a non-zero score.

    Works on the non-zero entries only: with sparse text most scores are exactly zero, and
    partitioning them all would cost more than the product that made them.
    """
    candidates = np.flatnonzero(scores if allowed is None else scores * allowed)
    if len(candidates) > k:
        part = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[part]
    return candidates[np.argsort(-scores[candidates], kind="stable")]


def retrieve(scores: np.ndarray, k: int, allowed: np.ndarray, experience: np.ndarray) -> np.ndarray:
    """Top-k providers by their cosine with the need, topped up with the most experienced allowed
    providers (by `experience`, ties in row order) when fewer than k share any word or tag with it."""
    found = top_k(scores, k, allowed)
    if len(found) < k:
        fallback = np.argsort(-experience, kind="stable")  # only now: a sort of every provider
        extra = fallback[allowed[fallback] & ~np.isin(fallback, found)]
        found = np.concatenate([found, extra[: k - len(found)]])
    return found
