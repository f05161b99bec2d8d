"""What the need page says about one triad: match strength in words, reasons split from caveats by
the effect of the record each comes from, and the other facilitators with their strongest reasons;
labels and reasons in the page's language (`EngineWording`; as stored without one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.pages.engine_wording import EngineWording, Parties
from api.pages.page_language import DEFAULT, N_

DIRECTION = {"raises": N_("raises the score"), "lowers": N_("lowers the score"), "none": N_("no effect")}
ALTERNATIVE_REASONS = 3


@dataclass
class Reason:
    text: str
    caveat: bool
    lang: str | None = None  # the text's language where it is not the page's


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
    record_reasons: list[Reason] = field(default_factory=list)  # each record's reason


def effect(record: dict[str, Any]) -> str:
    """The record's effect; a row stored before records carried one is read from its sign."""
    stated = record.get("effect")
    if stated in DIRECTION:
        return str(stated)
    value = float(record.get("contribution", 0.0))
    return "raises" if value > 0 else "lowers" if value < 0 else "none"


def percent(strength: float) -> int:
    return round(max(0.0, min(1.0, strength)) * 100)


def _strongest_reasons(
    records: list[dict[str, Any]], limit: int, wording: EngineWording, parties: Parties
) -> list[Reason]:
    worded = [r for r in records if r.get("reason")]
    worded.sort(key=lambda r: -abs(float(r["contribution"])))
    return [_reason(r, wording, parties) for r in worded[:limit]]


def _reason(record: dict[str, Any], wording: EngineWording, parties: Parties) -> Reason:
    said = wording.reason(record, parties)
    return Reason(said.text, effect(record) == "lowers", said.lang)


def triad_view(
    contributions: list[dict[str, Any]],
    reasons: list[str],
    match_strength: float,
    alternatives: list[dict[str, Any]] | None,
    wording: EngineWording | None = None,
    parties: Parties | None = None,
) -> TriadView:
    """Reasons keep the engine's order (by |contribution|); a reason whose record lowers the score is
    a caveat. Every worded record that lowers the score is listed as a caveat, also the small ones
    the five reasons leave out, strongest first. A row stored before match strength and alternatives
    were kept (alternatives NULL) has no match strength to show. `parties` are the names the
    reasons quote (the provider and the facilitator)."""
    wording = wording or EngineWording(locale=DEFAULT)
    parties = parties or Parties("")
    by_text = {str(c["reason"]): c for c in contributions if c.get("reason")}
    helps = []
    for text in reasons:
        record = by_text.get(text)
        if record is None:
            said = wording.summary(text, parties)
            helps.append(Reason(said.text, False, said.lang))
        elif effect(record) != "lowers":
            helps.append(_reason(record, wording, parties))
    lowering = [c for c in contributions if effect(c) == "lowers"]
    caveats = _strongest_reasons(lowering, len(lowering), wording, parties)
    others = []
    for a in alternatives or []:
        name = str(a["facilitator"]["name"])
        records = list(a.get("contributions", []))
        found = _strongest_reasons(records, ALTERNATIVE_REASONS, wording, Parties(parties.provider, name))
        others.append(
            AlternativeView(name, percent(float(a.get("match_strength", 0.0))), float(a["score"]), found)
        )
    directions = [DIRECTION[effect(c)] for c in contributions]
    labels = [wording.label(c) for c in contributions]
    strength = None if alternatives is None else percent(match_strength)
    worded = [_reason(c, wording, parties) for c in contributions]
    return TriadView(strength, helps, caveats, others, directions, labels, worded)
