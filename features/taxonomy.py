"""The three taxonomies (SDGs, DAC sectors, SSTC modalities) and tagging free text with them.

Keywords in English, French, Spanish and Portuguese live in `fixtures/taxonomy/*.json`, never in
code. Tagging looks up every 1- to 5-word window of the text in a dictionary of stemmed keywords,
so it costs one pass over the text whatever the size of the taxonomy. `synonyms` are words an office
writes in a sector or modality field ("gender", "youth") that are too loose to tag free text with:
they resolve a field, they never tag.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from features.paths import fixtures_dir
from features.text import words

Field = Literal["sdg", "sector", "modality"]
FIELDS: tuple[Field, ...] = ("sdg", "sector", "modality")
_FILES: dict[Field, str] = {
    "sdg": "sdgs.json",
    "sector": "sectors.json",
    "modality": "modalities.json",
}
_MAX_PHRASE = 5


def stem(word: str) -> str:
    """A light plural/gender folding shared by the four languages: 'escolares' -> 'escolar'."""
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def phrase_key(text: str) -> str:
    return " ".join(stem(w) for w in words(text))


@dataclass(frozen=True)
class Term:
    field: Field
    code: str
    name: str
    sdgs: tuple[int, ...] = ()


@dataclass
class Tags:
    sdg: set[str] = field(default_factory=set)
    sector: set[str] = field(default_factory=set)
    modality: set[str] = field(default_factory=set)
    matched: list[tuple[str, Term]] = field(default_factory=list)

    def codes(self, name: Field) -> list[str]:
        return sorted(getattr(self, name), key=_code_order)


def _code_order(code: str) -> tuple[int, str]:
    return (int(code), code) if code.isdigit() else (0, code)


@dataclass(frozen=True)
class TermResolution:
    query: str
    terms: list[Term]
    closest: list[tuple[Term, float]]

    @property
    def found(self) -> bool:
        return bool(self.terms)


class Taxonomy:
    """SDGs, sectors and modalities with their multilingual keywords."""

    def __init__(self, entries: dict[Field, list[dict]], fuzzy_cutoff: float = 0.85) -> None:
        self.fuzzy_cutoff = fuzzy_cutoff
        self.terms: dict[Field, dict[str, Term]] = {f: {} for f in FIELDS}
        self.names: dict[Field, dict[str, dict[str, str]]] = {f: {} for f in FIELDS}  # code: {language: name}
        self._index: dict[str, set[Term]] = {}  # keywords: tag text and resolve fields
        self._words: dict[str, set[Term]] = {}  # keywords and synonyms: resolve fields only
        for name in FIELDS:
            for entry in entries[name]:
                code = str(entry["code"])
                term = Term(name, code, entry["name"]["en"], tuple(entry.get("sdgs", ())))
                self.terms[name][code] = term
                self.names[name][code] = dict(entry["name"])
                phrases = [*entry["name"].values(), *_flatten(entry.get("keywords", {}).values())]
                if name != "sdg":
                    phrases.append(code.replace("_", " "))
                for phrase in phrases:
                    key = phrase_key(phrase)
                    if key:
                        self._index.setdefault(key, set()).add(term)
                        self._words.setdefault(key, set()).add(term)
                for phrase in _flatten(entry.get("synonyms", {}).values()):
                    if key := phrase_key(phrase):
                        self._words.setdefault(key, set()).add(term)
        self._keys = sorted(self._words)

    @classmethod
    def load(cls, directory: Path | None = None) -> Taxonomy:
        directory = directory or fixtures_dir() / "taxonomy"
        entries = {f: json.loads((directory / _FILES[f]).read_text("utf-8")) for f in FIELDS}
        return cls(entries)

    def codes(self, name: Field) -> list[str]:
        return sorted(self.terms[name], key=_code_order)

    def name_in(self, name: Field, code: str, language: str) -> str:
        """A term's name in one of the taxonomy's languages (English where it has none in that one)."""
        names = self.names[name][code]
        return names.get(language) or names["en"]

    def tag(self, text: str) -> Tags:
        """Every taxonomy term whose keyword occurs in the text.

        Longest phrases first; within one field, words already matched are not matched again.
        """
        tokens = [stem(w) for w in words(text)]
        tags = Tags()
        covered: dict[str, set[int]] = {name: set() for name in FIELDS}  # per field
        for size in range(_MAX_PHRASE, 0, -1):
            for start in range(len(tokens) - size + 1):
                span = range(start, start + size)
                key = " ".join(tokens[start : start + size])
                for term in self._index.get(key, ()):
                    if covered[term.field].issuperset(span):
                        continue
                    getattr(tags, term.field).add(term.code)
                    tags.matched.append((key, term))
                for term in self._index.get(key, ()):
                    covered[term.field].update(span)
        return tags

    def resolve(self, name: Field, query: str) -> TermResolution:
        """Resolve a word a person wrote for one field ("alimentación escolar", "2") to terms."""
        query = query.strip()
        if query in self.terms[name]:
            return TermResolution(query, [self.terms[name][query]], [])
        key = phrase_key(query)
        exact = [t for t in self._words.get(key, ()) if t.field == name]
        if exact:
            return TermResolution(query, sorted(exact, key=lambda t: _code_order(t.code)), [])
        closest = self._closest(name, key)
        if closest and closest[0][1] >= self.fuzzy_cutoff:
            return TermResolution(query, [closest[0][0]], closest)
        tagged = [t for _, t in self.tag(query).matched if t.field == name]
        if tagged:
            return TermResolution(query, sorted(set(tagged), key=lambda t: _code_order(t.code)), [])
        return TermResolution(query, [], closest)

    def _closest(self, name: Field, key: str, limit: int = 3) -> list[tuple[Term, float]]:
        found: dict[Term, float] = {}
        for phrase, score, _ in process.extract(key, self._keys, scorer=fuzz.ratio, limit=40):
            for term in self._words[phrase]:
                if term.field == name and term not in found:
                    found[term] = score / 100
        return sorted(found.items(), key=lambda item: -item[1])[:limit]


def _flatten(lists: Iterable[Iterable[str]]) -> list[str]:
    return [item for items in lists for item in items]


@cache
def default_taxonomy() -> Taxonomy:
    return Taxonomy.load()
