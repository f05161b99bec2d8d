"""The engine's typed results: contribution records, triads, and one need's ranking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from features.feature_spec import Effect
from features.needs import ResolvedNeed


@dataclass(slots=True)  # not frozen: a frozen init costs 4× more, and an answer makes hundreds
class Contribution:
    """One feature's part of a score: prior + the sum of a suggestion's contributions = its score.
    Shared by the triads of one provider: never changed once made."""

    feature: str
    group: str
    value: float
    contribution: float
    reason: str
    effect: Effect
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        # written out: dataclasses.asdict deep-copies every field, a third of an answer's time
        return {"feature": self.feature, "label": self.label, "group": self.group, "value": self.value,
                "contribution": self.contribution, "reason": self.reason, "effect": self.effect}  # fmt: skip


@dataclass
class Alternative:
    """Another facilitator for the same provider: base (the provider leg's score plus the facilitator
    ranker's prior) + the sum of its facilitator-leg contributions = its score."""

    facilitator_row: int
    score: float
    base: float
    contributions: list[Contribution]


@dataclass
class Triad:
    """One ranked (provider, facilitator) pair; rows index the fitted catalogue, never shown."""

    rank: int
    score: float
    provider_row: int
    facilitator_row: int | None
    prior: float
    contributions: list[Contribution]
    alternatives: list[Alternative] = field(default_factory=list)
    summary: str = ""  # what in the need the provider matches, the first reason shown


@dataclass
class Ranking:
    """Everything the engine computed for one need, before it is turned into JSON."""

    need: ResolvedNeed
    providers: np.ndarray  # candidate provider rows, best first
    provider_scores: np.ndarray
    triads: list[Triad] = field(default_factory=list)
    abstained: bool = False
