"""Rerank triads so one provider does not fill the list."""

from __future__ import annotations

import numpy as np


def diversify(
    scores: np.ndarray,
    providers: np.ndarray,
    k: int,
    strength: float = 0.5,
    max_per_provider: int = 2,
    window: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy rerank: each earlier pick of the same provider costs `strength`; at most
    `max_per_provider` picks of one provider in the first `window` places.

    Returns the chosen indices and their penalties (<= 0). Penalties only grow as picks are made,
    so the adjusted scores (score + penalty) come out in non-increasing order.
    """
    order = np.argsort(-scores, kind="stable")
    chosen: list[int] = []
    penalties: list[float] = []
    picks: dict[int, int] = {}
    remaining = list(order)
    while remaining and len(chosen) < k:
        best, best_value, best_position = -1, -np.inf, -1
        for position, item in enumerate(remaining):
            seen = picks.get(int(providers[item]), 0)
            if len(chosen) < window and seen >= max_per_provider:
                continue
            value = scores[item] - strength * seen
            if value > best_value:
                best, best_value, best_position = item, value, position
            if strength == 0 or seen == 0:
                break  # sorted by score: nothing later can beat an unpenalised item
        if best < 0:  # every remaining item is capped inside the window
            best_position, best = 0, remaining[0]
            best_value = scores[best] - strength * picks.get(int(providers[best]), 0)
        remaining.pop(best_position)
        chosen.append(best)
        penalties.append(best_value - scores[best])
        picks[int(providers[best])] = picks.get(int(providers[best]), 0) + 1
    return np.array(chosen, dtype=np.int64), np.array(penalties)
