"""Turn a need as written (names, free words) into a resolved need (codes), or say what is wrong.

A sector or modality word never refuses a need: what matches no taxonomy term stays with the need
as an `UnmatchedTerm`, its words join the document the engine reads, and the answer names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from features.errors import UnknownNameError
from features.languages import resolve_language
from features.names import NameResolver
from features.taxonomy import Field, Taxonomy
from models.needs import NeedCreate
from models.vocab import Modality


@dataclass(frozen=True)
class UnmatchedTerm:
    field: str  # "sector.1": the field and the word's position in it
    word: str
    closest: list[str]  # "Name (code)", best first

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "word": self.word, "closest": self.closest}


@dataclass
class ResolvedNeed:
    country: str
    text: str
    title: str = ""
    sdgs: list[int] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    budget_usd: int | None = None
    k: int = 10
    as_of: float | None = None  # the need's year; history after it is invisible
    tagged: dict[str, list[str]] = field(default_factory=dict)  # codes found in the text
    unmatched: list[UnmatchedTerm] = field(default_factory=list)

    @property
    def document(self) -> str:
        """Title, text and the field words no taxonomy term took, which are still the need's words."""
        parts = [self.title, self.text, ", ".join(u.word for u in self.unmatched)]
        return ". ".join(p for p in parts if p)

    def all_sdgs(self) -> list[int]:
        return sorted({*self.sdgs, *(int(c) for c in self.tagged.get("sdg", []))})

    def all_sectors(self) -> list[str]:
        return sorted({*self.sectors, *self.tagged.get("sector", [])})

    def all_modalities(self) -> list[str]:
        return sorted({*self.modalities, *self.tagged.get("modality", [])})

    def to_json(self, country_name: str, taxonomy: Taxonomy) -> dict[str, Any]:
        return {
            "country": self.country,
            "country_name": country_name,
            "title": self.title,
            "text": self.text,
            "sdg": self.sdgs,
            "sector": [{"code": c, "name": taxonomy.terms["sector"][c].name} for c in self.sectors],
            "modality": self.modalities,
            "language": self.languages,
            "budget_usd": self.budget_usd,
            "k": self.k,
            "tagged": self.tagged,
            "unmatched_terms": [u.to_json() for u in self.unmatched],
        }


def _resolve_terms(
    taxonomy: Taxonomy, name: Field, words: list[str], unmatched: list[UnmatchedTerm]
) -> list[str]:
    """The codes of the words that resolve; the others are appended to `unmatched`."""
    codes: list[str] = []
    for index, word in enumerate(words):
        resolution = taxonomy.resolve(name, word)
        if not resolution.found:
            closest = [f"{t.name} ({t.code})" for t, _ in resolution.closest]
            unmatched.append(UnmatchedTerm(f"{name}.{index}", word.strip(), closest))
        codes.extend(t.code for t in resolution.terms if t.code not in codes)
    return codes


def resolve_need(
    raw: NeedCreate | dict[str, Any],
    countries: NameResolver,
    taxonomy: Taxonomy,
    country_languages: dict[str, list[str]],
    as_of: float | None = None,
) -> ResolvedNeed:
    """Resolve names and words to codes; `UnknownNameError` names the field that failed (a bad type,
    an unknown country, an SDG outside 1-17); sector and modality words that match nothing are kept."""
    if isinstance(raw, dict):
        try:
            raw = NeedCreate.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "need"
            raise UnknownNameError(where, str(error.get("input"))[:80], []) from exc
    country = countries.resolve(raw.country)
    if country.id is None:
        candidates = [f"{c.name} ({c.id})" for c in country.candidates]
        raise UnknownNameError("country", raw.country, candidates, ambiguous=country.ambiguous)
    languages = [resolve_language(word, f"language.{i}") for i, word in enumerate(raw.language)]
    languages = list(dict.fromkeys(languages)) or country_languages.get(country.id, [])
    unmatched: list[UnmatchedTerm] = []
    sectors = _resolve_terms(taxonomy, "sector", raw.sector, unmatched)
    modalities = _resolve_terms(taxonomy, "modality", raw.modality, unmatched)
    tags = taxonomy.tag(f"{raw.title}. {raw.text}")
    return ResolvedNeed(
        country=country.id,
        text=raw.text,
        title=raw.title,
        sdgs=sorted(set(raw.sdg)),
        sectors=sectors,
        modalities=[Modality(m).value for m in modalities],
        languages=languages,
        budget_usd=raw.budget_usd,
        k=raw.k,
        as_of=as_of,
        tagged={name: tags.codes(name) for name in ("sdg", "sector", "modality")},
        unmatched=unmatched,
    )
