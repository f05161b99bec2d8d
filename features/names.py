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
    if _DOTTED_INITIALS.fullmatch(name.strip()):
        name = re.sub(r"[.\s]", "", name)  # 'U.S.A.' -> 'USA'
    tokens: list[str] = []
    for word in words(name):
        tokens.extend(_EXPANSIONS.get(word, word).split())
    return " ".join(sorted(t for t in tokens if t not in _STOPWORDS))


_DOTTED_INITIALS = re.compile(r"(?:[A-Za-z]\.\s?)+[A-Za-z]?")


def name_variants(name: str) -> list[str]:
    """A name and, when it has a bracketed part, each part alone: 'Myanmar (Birmanie)'."""
    inner = [m.strip() for m in _PARENTHESIS.findall(name)]
    outer = _PARENTHESIS.sub(" ", name).strip()
    return [name, *([outer, *inner] if inner else [])]


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
        cutoff: float = 0.85,
        margin: float = 0.04,
        min_fuzzy_length: int = 5,
    ) -> None:
        self.cutoff = cutoff
        self.margin = margin
        self.min_fuzzy_length = min_fuzzy_length
        self._exact: dict[str, set[str]] = {}
        self._codes: dict[str, set[str]] = {}  # 'AND', 'DE', 'DO': codes that are also stop words
        self._display: dict[str, str] = {}
        for entity_id, entity_names in names.items():
            all_names = [entity_id, *entity_names]
            self._display[entity_id] = next(iter(entity_names), entity_id)
            for name in (v for n in all_names for v in name_variants(n)):
                if name.isalpha() and name.isupper() and len(name) <= 3:
                    self._codes.setdefault(name, set()).add(entity_id)
                key = name_key(name)
                if key:
                    self._exact.setdefault(key, set()).add(entity_id)
        self._fuzzy_keys = [k for k in self._exact if len(k) >= min_fuzzy_length]

    def resolve(self, query: str) -> Resolution:
        coded = self._codes.get(query.strip().upper(), set())
        if len(coded) == 1:
            return Resolution(query, next(iter(coded)), 1.0)
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

    def contained(self, text: str) -> str | None:
        """The entity whose longest name appears whole inside the text ('UNDP Chile' -> UNDP),
        else the one entity whose name holds every word of the text ('Ministry of Commerce').

        Only names with a word of three letters or more count; a tie is no answer.
        """
        tokens = set(name_key(text).split())
        best: dict[str, int] = {}
        within: set[str] = set()  # entities with a name that holds every word of the text
        for key, ids in self._exact.items():
            words_ = set(key.split())
            if any(len(w) >= 3 for w in words_) and words_ <= tokens:
                for entity_id in ids:
                    best[entity_id] = max(best.get(entity_id, 0), len(words_))
            elif len(tokens) >= 2 and tokens <= words_:
                within.update(ids)
        if not best:
            return next(iter(within)) if len(within) == 1 else None
        longest = max(best.values())
        winners = [e for e, n in best.items() if n == longest]
        return winners[0] if len(winners) == 1 else None

    def resolve_organisation(self, text: str) -> Resolution:
        """Names as sources write them: 'Japan (JICA)', 'GIZ/BMZ', 'PAHO (implementing)'.

        The most specific part wins: the bracketed name, then the name outside the brackets,
        then each part of a slash-separated name, then the whole string.
        """
        inner = [m.strip() for m in _PARENTHESIS.findall(text)]
        outer = _PARENTHESIS.sub(" ", text).strip()
        attempts = [*inner, outer, *(p for p in re.split(r"\s*/\s*", outer) if p != outer), text]
        attempts += [part for part in re.split(r"\s*,\s*", outer) if part != outer]
        for attempt in filter(None, attempts):
            resolution = self.resolve(attempt)
            if resolution.found:
                return Resolution(text, resolution.id, resolution.score, resolution.candidates)
        contained = self.contained(outer)
        if contained is not None:
            return Resolution(text, contained, 1.0)
        candidates = self.closest(text)
        return Resolution(text, None, candidates[0].score if candidates else 0.0, candidates)
