"""What the need page says about one triad: match strength in words, reasons split from caveats by
the effect of the record each comes from, and the other facilitators with their strongest reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.pages.page_language import N_
from matching.explanations import feature_label

DIRECTION = {"raises": N_("raises the score"), "lowers": N_("lowers the score"), "none": N_("no effect")}
ALTERNATIVE_REASONS = 3


@dataclass
class Reason:
    text: str
    caveat: bool


@dataclass
class AlternativeView:
    name: str
    percent: int
    score: float
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class TriadView:
    percent: int | None  # None: a list stored before the engine measured match strength
    reasons: list[Reason]
    caveats: list[Reason]
    alternatives: list[AlternativeView]
    directions: list[str]
    labels: list[str]  # each record's feature in plain words


def effect(record: dict[str, Any]) -> str:
    """The record's effect; a row stored before records carried one is read from its sign."""
    stated = record.get("effect")
    if stated in DIRECTION:
        return str(stated)
    value = float(record.get("contribution", 0.0))
    return "raises" if value > 0 else "lowers" if value < 0 else "none"


def percent(strength: float) -> int:
    return round(max(0.0, min(1.0, strength)) * 100)


def _strongest_reasons(records: list[dict[str, Any]], limit: int) -> list[Reason]:
    worded = [r for r in records if r.get("reason")]
    worded.sort(key=lambda r: -abs(float(r["contribution"])))
    return [Reason(str(r["reason"]), effect(r) == "lowers") for r in worded[:limit]]


def triad_view(
    contributions: list[dict[str, Any]],
    reasons: list[str],
    match_strength: float,
    alternatives: list[dict[str, Any]] | None,
) -> TriadView:
    """Reasons keep the engine's order (by |contribution|); a reason whose record lowers the score is
    a caveat. Every worded record that lowers the score is listed as a caveat, also the small ones
    the five reasons leave out, strongest first. A row stored before match strength and alternatives
    were kept (alternatives NULL) has no match strength to show."""
    by_text = {str(c["reason"]): c for c in contributions if c.get("reason")}
    helps = [Reason(r, False) for r in reasons if r not in by_text or effect(by_text[r]) != "lowers"]
    lowering = [c for c in contributions if effect(c) == "lowers"]
    caveats = _strongest_reasons(lowering, len(lowering))
    others = [
        AlternativeView(
            name=str(a["facilitator"]["name"]),
            percent=percent(float(a.get("match_strength", 0.0))),
            score=float(a["score"]),
            reasons=_strongest_reasons(list(a.get("contributions", [])), ALTERNATIVE_REASONS),
        )
        for a in alternatives or []
    ]
    directions = [DIRECTION[effect(c)] for c in contributions]
    labels = [str(c.get("label") or feature_label(str(c["feature"]))) for c in contributions]
    strength = None if alternatives is None else percent(match_strength)
    return TriadView(strength, helps, caveats, others, directions, labels)
