"""Two triads of one need side by side: match strength first, then each contribution by its plain
label, the labels where the two differ most first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.pages.engine_wording import EngineWording, Parties
from api.pages.page_language import DEFAULT
from api.pages.triad_view import TriadView, triad_view
from models import Suggestion

DIFFER_MOST = 3  # the rows marked "differs most"


@dataclass
class ComparedRow:
    label: str
    first: float
    second: float
    differs_most: bool

    @property
    def gap(self) -> float:
        return self.first - self.second


@dataclass
class Comparison:
    first: TriadView
    second: TriadView
    rows: list[ComparedRow]


def by_label(contributions: list[dict[str, Any]], wording: EngineWording | None = None) -> dict[str, float]:
    """Each plain label's total contribution (several features can share a label)."""
    wording = wording or EngineWording(locale=DEFAULT)
    totals: dict[str, float] = {}
    for c in contributions:
        label = wording.label(c)
        totals[label] = totals.get(label, 0.0) + float(c.get("contribution", 0.0))
    return totals


def compare_triads(
    first: Suggestion,
    second: Suggestion,
    wording: EngineWording | None = None,
    names: dict[str, str] | None = None,
) -> Comparison:
    """Rows ordered by how far apart the two contributions are (then by label); a label one triad
    lacks contributes 0 there, as missing data does in the score. `names`: the providers' and
    facilitators' names by id, which the reasons quote."""
    names = names or {}
    a, b = by_label(first.contributions, wording), by_label(second.contributions, wording)
    labels = sorted(set(a) | set(b), key=lambda label: (-abs(a.get(label, 0.0) - b.get(label, 0.0)), label))
    rows = []
    for i, label in enumerate(labels):
        x, y = a.get(label, 0.0), b.get(label, 0.0)
        rows.append(ComparedRow(label, x, y, differs_most=i < DIFFER_MOST and x != y))
    views = [
        triad_view(s.contributions, s.reasons, s.match_strength, s.alternatives, wording, parties(s, names))
        for s in (first, second)
    ]
    return Comparison(views[0], views[1], rows)


def parties(row: Suggestion, names: dict[str, str]) -> Parties:
    """The triad's provider and facilitator by name, as its reasons quote them."""
    facilitator = names.get(row.facilitator_id or "", "") if row.facilitator_id else ""
    return Parties(names.get(row.provider_id, row.provider_id), facilitator)
