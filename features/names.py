"""Resolve names as people write them ("Ivory Coast", "Japan (JICA)", "GIZ/BMZ") to catalogue ids.

Exact matches on a normalised key come first; then a fuzzy match (RapidFuzz) that must clear a
cutoff and beat every other entity by a margin. Below that the answer is "not found" with the
closest candidates, never a silent guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from features.text import words

_EXPANSIONS = {
    "rep": "republic",
    "dem": "democratic",
    "st": "saint",
    "ste": "sainte",
    "fed": "federated",
    "sts": "states",
    "pdr": "people democratic republic",
    "intl": "international",
}
_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "a",
        "an",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "el",
        "los",
        "las",
        "y",
        "do",
        "da",
        "dos",
        "das",
        "e",
        "et",
    ]
)
_PARENTHESIS = re.compile(r"\(([^()]*)\)")


def name_key(name: str) -> str:
    """Order-free normal form: folded words, abbreviations expanded, stop words dropped, sorted."""
    tokens: list[str] = []
    for word in words(name):
        tokens.extend(_EXPANSIONS.get(word, word).split())
    return " ".join(sorted(t for t in tokens if t not in _STOPWORDS))


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    score: float


@dataclass(frozen=True)
class Resolution:
    query: str
    id: str | None
    score: float
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.id is not None

    def describe(self) -> str:
        if self.found:
            return f"{self.query!r} -> {self.id}"
        closest = ", ".join(f"{c.name} ({c.id}, {c.score:.2f})" for c in self.candidates)
        return f"{self.query!r} not found; closest: {closest or 'none'}"


class NameResolver:
    """Resolves free-text names to ids, given every known name of every id."""

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        *,
        cutoff: float = 0.86,
        margin: float = 0.04,
        min_fuzzy_length: int = 5,
    ) -> None:
        self.cutoff = cutoff
        self.margin = margin
        self.min_fuzzy_length = min_fuzzy_length
        self._exact: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}
        for entity_id, entity_names in names.items():
            all_names = [entity_id, *entity_names]
            self._display[entity_id] = next(iter(entity_names), entity_id)
            for name in all_names:
                key = name_key(name)
                if key:
                    self._exact.setdefault(key, set()).add(entity_id)
        self._fuzzy_keys = [k for k in self._exact if len(k) >= min_fuzzy_length]

    def resolve(self, query: str) -> Resolution:
        key = name_key(query)
        exact = self._exact.get(key, set())
        if len(exact) == 1:
            (entity_id,) = exact
            return Resolution(query, entity_id, 1.0)
        candidates = self.closest(query, limit=5)
        if len(exact) > 1 or len(key) < self.min_fuzzy_length or not candidates:
            return Resolution(query, None, candidates[0].score if candidates else 0.0, candidates)
        best = candidates[0]
        runner_up = next((c.score for c in candidates if c.id != best.id), 0.0)
        if best.score >= self.cutoff and best.score - runner_up >= self.margin:
            return Resolution(query, best.id, best.score, candidates)
        return Resolution(query, None, best.score, candidates)

    def closest(self, query: str, limit: int = 5) -> list[Candidate]:
        """The best-scoring distinct entities for a query, scores in 0-1."""
        matches = process.extract(
            name_key(query), self._fuzzy_keys, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=50
        )
        best: dict[str, Candidate] = {}
        for key, score, _ in matches:
            for entity_id in sorted(self._exact[key]):
                if entity_id not in best or best[entity_id].score < score / 100:
                    best[entity_id] = Candidate(entity_id, self._display[entity_id], score / 100)
        return sorted(best.values(), key=lambda c: (-c.score, c.id))[:limit]

    def resolve_organisation(self, text: str) -> Resolution:
        """Names as sources write them: 'Japan (JICA)', 'GIZ/BMZ', 'PAHO (implementing)'.

        The most specific part wins: the bracketed name, then the name outside the brackets,
        then each part of a slash-separated name, then the whole string.
        """
        inner = [m.strip() for m in _PARENTHESIS.findall(text)]
        outer = _PARENTHESIS.sub(" ", text).strip()
        attempts = [*inner, outer, *(p for p in re.split(r"\s*/\s*", outer) if p != outer), text]
        for attempt in filter(None, attempts):
            resolution = self.resolve(attempt)
            if resolution.found:
                return Resolution(text, resolution.id, resolution.score, resolution.candidates)
        candidates = self.closest(text)
        return Resolution(text, None, candidates[0].score if candidates else 0.0, candidates)
