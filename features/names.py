"""Resolve names as people write them ("Ivory Coast", "Japan (JICA)", "GIZ/BMZ") to catalogue ids.

Text garbled by a wrong decoding ("CÃ´te d'Ivoire") is repaired first (ftfy). Exact matches on a
normalised key come next: a key that several entities share ("Congo") is refused as ambiguous,
naming them all. Then the bracketed parts of the query, when they agree. Last, a fuzzy match
(RapidFuzz) that must clear a cutoff, stay within a typo or two, and beat every other entity by a
margin. Below that the answer is "not found" with the closest candidates, never a silent guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ftfy import fix_encoding
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from features.text import words

_EXPANSIONS = {
    "rep": "republic",
    "dem": "democratic",
    "st": "saint",
    "ste": "sainte",
    "fed": "federal",
    "federated": "federal",  # "Micronesia, Fed. Sts." and "Somalia, Fed. Rep." alike
    "federation": "federal",
    "sts": "states",
    "pdr": "people democratic republic",
    "intl": "international",
    "is": "islands",
    "isds": "islands",  # UN Comtrade: "Solomon Isds"
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
        "s",  # "People's" -> "people", "s"
    ]
)
_PARENTHESIS = re.compile(r"\(([^()]*)\)")


def name_key(name: str) -> str:
    """Order-free normal form: folded words, abbreviations expanded, stop words dropped, sorted."""
    if _DOTTED_INITIALS.fullmatch(name.strip()):
        name = re.sub(r"[.\s]", "", name)  # 'U.S.A.' -> 'USA'
    name = _INNER_INITIALS.sub(lambda m: m.group().replace(".", ""), name)  # 'Lao P.D.R.' -> 'Lao PDR'
    tokens: list[str] = []
    for word in words(name):
        tokens.extend(_EXPANSIONS.get(word, word).split())
    return " ".join(sorted(t for t in tokens if t not in _STOPWORDS))


_DOTTED_INITIALS = re.compile(r"(?:[A-Za-z]\.\s?)+[A-Za-z]?")
_INNER_INITIALS = re.compile(r"\b[A-Za-z](?:\.[A-Za-z])+\.?(?![A-Za-z])")


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
    ambiguous: bool = False  # the query is a name of every candidate: refused, not missed

    @property
    def found(self) -> bool:
        return self.id is not None

    def describe(self) -> str:
        if self.found:
            return f"{self.query!r} -> {self.id}"
        listed = ", ".join(f"{c.name} ({c.id}, {c.score:.2f})" for c in self.candidates)
        if self.ambiguous:
            return f"{self.query!r} is ambiguous; it names: {listed}"
        return f"{self.query!r} not found; closest: {listed or 'none'}"


def repair(text: str) -> str:
    """UTF-8 read as Latin-1 or Windows-1252, undone: "CÃ´te d'Ivoire" -> "Côte d'Ivoire"."""
    return text if text.isascii() else fix_encoding(text)


class NameResolver:
    """Resolves free-text names to ids, given every known name of every id."""

    def __init__(
        self,
        names: Mapping[str, Iterable[str]],
        *,
        cutoff: float = 0.85,
        margin: float = 0.04,
        min_fuzzy_length: int = 5,
        letters_per_typo: int = 10,
    ) -> None:
        self.cutoff = cutoff
        self.margin = margin
        self.min_fuzzy_length = min_fuzzy_length
        self.letters_per_typo = letters_per_typo
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

    def shared(self) -> dict[str, list[str]]:
        """The keys and codes that several entities answer to: what `resolve` refuses as ambiguous."""
        found = {**self._exact, **{f"code {c}": ids for c, ids in self._codes.items()}}
        return {key: sorted(ids) for key, ids in sorted(found.items()) if len(ids) > 1}

    def resolve(self, query: str) -> Resolution:
        text = repair(query)
        coded = self._codes.get(text.strip().upper(), set())
        if len(coded) == 1:
            return Resolution(query, next(iter(coded)), 1.0)
        key = name_key(text)
        named = self._exact.get(key) or self._bracketed(text)
        if len(named) == 1:
            return Resolution(query, next(iter(named)), 1.0)
        if len(named) > 1:
            both = [Candidate(i, self._display[i], 1.0) for i in sorted(named)]
            return Resolution(query, None, 1.0, both, ambiguous=True)
        matches = self._fuzzy(key, limit=5)
        candidates = [candidate for candidate, _ in matches]
        if len(key) < self.min_fuzzy_length or not candidates:
            return Resolution(query, None, candidates[0].score if candidates else 0.0, candidates)
        best, typos = matches[0]
        runner_up = next((c.score for c in candidates if c.id != best.id), 0.0)
        if (
            best.score >= self.cutoff
            and best.score - runner_up >= self.margin
            and typos <= 1 + len(key) // self.letters_per_typo
        ):
            return Resolution(query, best.id, best.score, candidates)
        return Resolution(query, None, best.score, candidates)

    def _bracketed(self, text: str) -> set[str]:
        """'Congo (Kinshasa)': the entities every bracketed or outer part that is a name names."""
        parts = name_variants(text)[1:]
        named = [self._exact[k] for k in map(name_key, parts) if k in self._exact]
        return set.intersection(*named) if named else set()

    def closest(self, query: str, limit: int = 5) -> list[Candidate]:
        """The best-scoring distinct entities for a query, scores in 0-1."""
        return [candidate for candidate, _ in self._fuzzy(name_key(repair(query)), limit)]

    def _fuzzy(self, key: str, limit: int) -> list[tuple[Candidate, int]]:
        """Distinct entities by best score, each with its fewest typos (OSA edits) from the key."""
        matches = process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=50)
        scores: dict[str, float] = {}
        typos: dict[str, int] = {}
        for name, score, _ in matches:
            edits = OSA.distance(key, name)
            for entity_id in self._exact[name]:
                scores[entity_id] = max(scores.get(entity_id, 0.0), score / 100)
                typos[entity_id] = min(typos.get(entity_id, edits), edits)
        ranked = sorted(scores, key=lambda e: (-scores[e], e))[:limit]
        return [(Candidate(e, self._display[e], scores[e]), typos[e]) for e in ranked]

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
