"""A feature is declared once: its name, group, computation, reference value, sign, prior weight
and reason templates. Matrix columns, names, prior weights and explanations are derived from it.

A computation returns one value per row, NaN where its input is missing; the matrix holds the
reference value there, so a missing fact contributes exactly 0 and says nothing. A fact that is
present but does not match may contribute < 0 (where the sign allows) and is worded as a caveat.

Templates are `str.format` strings over `f` (the suggestion's facts, see
`features.reason_facts.ReasonFacts`), `value`, `count` (e^value - 1, for log-counts), `km` and
`closeness` (a similarity in words, so a reason reads like its number).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from features.errors import SSTCError

Sign = Literal["free", "positive", "negative"]
# a similarity (cosine) in words: the first level it reaches
CLOSENESS = ((0.6, "very close"), (0.45, "close"), (0.3, "loosely related"), (0.0, "barely related"))
Effect = Literal["raises", "lowers", "none"]


class UnknownFeatureError(SSTCError, KeyError):
    """A feature name that no declaration holds."""


@dataclass(frozen=True)
class Feature:
    name: str
    group: str
    compute: Callable[[Any], np.ndarray]
    helps: str = ""  # the reason when the feature raises the score
    caveat: str = ""  # the reason when it lowers the score
    reference: float = 0.0  # the "absent" value: contributes 0
    sign: Sign = "free"  # which way its contribution may go, whatever the data says
    prior_weight: float = 0.0  # log-odds per unit, for the cold-start ranker
    # the least effect per unit a learned ranker may give it, in its allowed direction: for a rule
    # the catalogue states (a funding window) that the history is too thin to show
    least_weight: float = 0.0
    per_pair: bool = False  # computed for each (provider, facilitator) pair, not per candidate
    label: str = ""  # what a person reads for the feature: plain words, no internal name

    def __post_init__(self) -> None:
        if not self.label:
            raise ValueError(f"feature {self.name!r} needs a label in plain words")
        needed = {"free": ("helps", "caveat"), "positive": ("helps",), "negative": ("caveat",)}[self.sign]
        for template in ("helps", "caveat"):
            if bool(getattr(self, template)) != (template in needed):
                wording = "needs" if template in needed else "can never use"
                raise ValueError(f"feature {self.name!r} of sign {self.sign!r} {wording} a {template} reason")
        if self.least_weight < 0 or (self.least_weight and self.sign == "free"):
            raise ValueError(f"feature {self.name!r}: a least weight needs a sign and is >= 0")
        if (self.sign == "positive" and self.prior_weight < 0) or (
            self.sign == "negative" and self.prior_weight > 0
        ):
            raise ValueError(f"feature {self.name!r}: prior weight {self.prior_weight} breaks its sign")

    def effect(self, contribution: float) -> Effect:
        return "raises" if contribution > 0 else "lowers" if contribution < 0 else "none"

    def reason(self, facts: Any, value: float, contribution: float) -> str:
        """The sentence for one record: the helping or the caveat template, by the contribution's sign."""
        template = self.helps if contribution > 0 else self.caveat if contribution < 0 else ""
        if not template:
            return ""
        grown = math.expm1(value) if value < 700 else math.inf  # e^value - 1, for log-counts
        count = round(grown) if value < 50 else 0
        closeness = _closeness(value) if "{closeness" in template else ""
        return template.format(f=facts, value=value, count=count, km=grown * 1000, closeness=closeness)


def _closeness(similarity: float) -> str:
    return next((word for least, word in CLOSENESS if similarity >= least), CLOSENESS[-1][1])


class FeatureSet:
    """The ordered features of one leg, named `<prefix>.<name>`; the matrix is built from them."""

    def __init__(self, prefix: str, features: Sequence[Feature]) -> None:
        names = [f.name for f in features]
        if len(set(names)) != len(names):
            raise ValueError(f"{prefix}: feature names must be unique, got {names}")
        self.prefix = prefix
        self.features = tuple(features)
        self._by_name = {f.name: f for f in self.features}

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, name: str) -> Feature:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownFeatureError(f"{self.prefix}: no feature named {name!r}") from None

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def get_feature_names_out(self) -> np.ndarray:
        return np.array([self.qualified(f) for f in self.features], dtype=object)

    def qualified(self, feature: Feature) -> str:
        return f"{'cooperation' if feature.per_pair else self.prefix}.{feature.name}"

    def columns(self, per_pair: bool) -> list[int]:
        return [j for j, f in enumerate(self.features) if f.per_pair == per_pair]

    @property
    def reference(self) -> np.ndarray:
        return np.array([f.reference for f in self.features])

    @property
    def signs(self) -> list[Sign]:
        return [f.sign for f in self.features]

    @property
    def least_weights(self) -> np.ndarray:
        return np.array([f.least_weight for f in self.features])

    @property
    def groups(self) -> list[str]:
        return [f.group for f in self.features]

    def prior_weights(self) -> np.ndarray:
        return np.array([f.prior_weight for f in self.features])

    def matrix(self, context: Any, rows: int, per_pair: bool = False) -> np.ndarray:
        """The feature columns of `context` (per candidate, or per pair: (P, F, d_pair)), the
        reference value where an input is missing."""
        columns = [f for f in self.features if f.per_pair == per_pair]
        if not columns:
            return np.zeros((rows, 0))
        computed = []
        for feature in columns:
            values = np.asarray(feature.compute(context), dtype=float)
            computed.append(np.where(np.isnan(values), feature.reference, values))
        return np.stack(computed, axis=-1)
