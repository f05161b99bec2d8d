"""Rerank triads so that neither one provider nor one facilitator fills the list."""

from __future__ import annotations

import numpy as np


def diversify(
    scores: np.ndarray,
    providers: np.ndarray,
    k: int,
    strength: float = 0.5,
    max_per_provider: int = 2,
    window: int = 10,
    facilitators: np.ndarray | None = None,
    max_per_facilitator: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy rerank: each earlier pick of the same provider costs `strength`; in the first
    `window` places, at most `max_per_provider` picks of one provider and `max_per_facilitator`
    of one facilitator (-1 in `facilitators`: none, never capped).

    Returns the chosen indices and their penalties (<= 0). Penalties only grow and caps only remove
    items as picks are made, so the adjusted scores (score + penalty) come out non-increasing.
    """
    order = np.argsort(-scores, kind="stable")
    chosen: list[int] = []
    penalties: list[float] = []
    picks: dict[int, int] = {}
    facilitator_picks: dict[int, int] = {}

    def capped(item: int) -> bool:
        if len(chosen) >= window:
            return False
        if picks.get(int(providers[item]), 0) >= max_per_provider:
            return True
        if facilitators is None or max_per_facilitator is None or facilitators[item] < 0:
            return False
        return facilitator_picks.get(int(facilitators[item]), 0) >= max_per_facilitator

    remaining = list(order)
    while remaining and len(chosen) < k:
        best, best_value, best_position = -1, -np.inf, -1
        for position, item in enumerate(remaining):
            if capped(item):
                continue
            seen = picks.get(int(providers[item]), 0)
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
        if facilitators is not None and facilitators[best] >= 0:
            facilitator_picks[int(facilitators[best])] = facilitator_picks.get(int(facilitators[best]), 0) + 1
    return np.array(chosen, dtype=np.int64), np.array(penalties)
