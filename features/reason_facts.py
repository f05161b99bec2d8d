"""The facts one suggestion's reasons quote (names, shared languages, regions…), looked up lazily:
a template reads only what it names, once per suggestion."""

from __future__ import annotations

from functools import cache, cached_property

from babel import Locale

from features.catalogue_index import CatalogueIndex
from features.geography import CONTEXT_FLAGS
from features.needs import ResolvedNeed
from features.taxonomy import default_taxonomy

FLAG_WORDS = {
    "ldc": "LDCs",
    "lldc": "landlocked developing countries",
    "sids": "SIDS",
    "fragile": "in a fragile situation",
}


@cache
def language_name(code: str) -> str:
    return Locale("en").languages.get(code, code)


def _names(codes: list[str]) -> str:
    return ", ".join(language_name(c) for c in codes)


class ReasonFacts:
    def __init__(self, index: CatalogueIndex, need: ResolvedNeed, p: int, f: int | None = None) -> None:
        self.index, self.need, self.p, self.f = index, need, p, f
        facts = index.countries
        self.provider_row = int(index.provider_country[p])
        self.need_row = facts.index[need.country]

    @cached_property
    def provider(self) -> str:
        return str(self.index.provider_names[self.p])

    @cached_property
    def facilitator(self) -> str:
        return "" if self.f is None else str(self.index.facilitator_names[self.f])

    @cached_property
    def beneficiary(self) -> str:
        return self.index.countries.names[self.need_row]

    @cached_property
    def region(self) -> str:
        return self.index.countries.groups[self.provider_row][0]

    @cached_property
    def sub_region(self) -> str:
        return self.index.countries.groups[self.provider_row][1]

    @cached_property
    def need_area(self) -> str:
        groups = self.index.countries.groups[self.need_row]
        return groups[-1] if groups else "the region"

    @cached_property
    def need_sectors(self) -> str:
        terms = default_taxonomy().terms["sector"]
        return ", ".join(terms[c].name.lower() for c in self.need.all_sectors() if c in terms)

    @cached_property
    def provider_languages(self) -> str:
        """The need's languages that the provider works in."""
        tags = self.index.provider_tags
        own = set(tags.indices[tags.indptr[self.p] : tags.indptr[self.p + 1]].tolist())
        vocabulary = self.index.tags.vocabulary_
        return _names(sorted(g for g in self.need.languages if vocabulary.get(f"language={g}") in own))

    @cached_property
    def official_languages(self) -> str:
        """Official languages the provider's and the beneficiary's countries share."""
        languages = self.index.countries.languages
        return _names(sorted(set(languages[self.provider_row]) & set(languages[self.need_row])))

    @cached_property
    def shared_flags(self) -> str:
        flags = self.index.countries.flags
        both = [
            FLAG_WORDS[name]
            for i, name in enumerate(CONTEXT_FLAGS)
            if flags[self.provider_row, i] and flags[self.need_row, i]
        ]
        return " and ".join(both)
