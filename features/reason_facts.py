"""The facts one suggestion's reasons quote (names, shared languages, regions…), looked up lazily:
a template reads only what it names, once per suggestion."""

from __future__ import annotations

from functools import cache, cached_property

import numpy as np
from babel import Locale

from features.catalogue_index import CatalogueIndex
from features.geography import CONTEXT_FLAGS, INCOME_RANK
from features.history import HistoryIndex
from features.needs import ResolvedNeed
from features.semantic_index import SemanticIndex
from features.taxonomy import default_taxonomy

INCOME_WORDS = {
    "LIC": "low-income",
    "LMC": "lower-middle-income",
    "UMC": "upper-middle-income",
    "HIC": "high-income",
}
INCOME_OF_RANK = {rank: INCOME_WORDS[code] for code, rank in INCOME_RANK.items()}
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
    def __init__(
        self,
        index: CatalogueIndex,
        history: HistoryIndex,
        need: ResolvedNeed,
        partnership_similarity: np.ndarray,
        p: int,
        f: int | None = None,
        semantic: SemanticIndex | None = None,
    ) -> None:
        self.index, self.history, self.need = index, history, need
        self.semantic = semantic
        self.similarity = partnership_similarity  # the need's cosine with every past partnership
        self.p, self.f = p, f
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

    @cached_property
    def need_income(self) -> str:
        return INCOME_OF_RANK.get(int(self.index.countries.income[self.need_row]), "unclassified")

    @cached_property
    def facilitator_income(self) -> str:
        groups = sorted(self.index.facilitator_income[self.f]) if self.f is not None else []
        return ", ".join(INCOME_OF_RANK[g] for g in groups)

    @cached_property
    def need_modalities(self) -> str:
        return ", ".join(m.replace("_", " ") for m in self.need.modalities)

    @cached_property
    def funding_window(self) -> str:
        if self.f is None:
            return ""
        low, high = self.index.facilitator_funding[self.f]
        parts = [f"from ${low:,.0f}" if low == low else "", f"up to ${high:,.0f}" if high == high else ""]
        return " ".join(p for p in parts if p)

    def _sectors_listed(self, tags: np.ndarray) -> str:
        terms = default_taxonomy().terms["sector"]
        vocabulary = self.index.tags.vocabulary_
        listed = [c for c in self.need.all_sectors() if tags[vocabulary.get(f"sector={c}", -1)] > 0]
        return ", ".join(terms[c].name.lower() for c in listed if c in terms)

    def _sdgs_listed(self, tags: np.ndarray) -> str:
        vocabulary = self.index.tags.vocabulary_
        listed = [str(s) for s in self.need.all_sdgs() if tags[vocabulary.get(f"sdg={s}", -1)] > 0]
        return f"SDG {', '.join(listed)}" if listed else ""

    @cached_property
    def _provider_tags(self) -> np.ndarray:
        """The provider's tag row, dense, with a 0 at [-1] for an unknown tag (read from the sparse
        row's arrays: slicing a sparse matrix costs more than the whole lookup)."""
        tags = self.index.provider_tags
        row = np.zeros(tags.shape[1] + 1)
        start, end = tags.indptr[self.p], tags.indptr[self.p + 1]
        row[tags.indices[start:end]] = tags.data[start:end]
        return row

    @cached_property
    def provider_sectors(self) -> str:
        return self._sectors_listed(self._provider_tags)

    @cached_property
    def provider_sdgs(self) -> str:
        return self._sdgs_listed(self._provider_tags)

    @cached_property
    def facilitator_sectors(self) -> str:
        return (
            ""
            if self.f is None
            else self._sectors_listed(np.append(self.index.facilitator_tags[self.f], 0.0))
        )

    def _examples(self, who: str, column: int, similarity: np.ndarray | None = None) -> str:
        """': title (Kenya, 2014); …' for the most similar past partnerships, or ''."""
        similarity = self.similarity if similarity is None else similarity
        rows = self.history.similar_partnerships(who, column, similarity)
        names = self.index.countries.names
        quoted = []
        for row in rows:
            title = self.history.titles[row]
            title = title if len(title) <= 60 else title[:57].rstrip() + "…"
            where = self.history.first_beneficiary(row)
            year = self.history.years[row]
            detail = [] if where is None else [names[where]]
            detail += [] if np.isnan(year) else [f"{year:.0f}"]
            quoted.append(f"{title} ({', '.join(detail)})" if detail else title)
        return f": {'; '.join(quoted)}" if quoted else ""

    @cached_property
    def provider_examples(self) -> str:
        return self._examples("providers", self.p)

    @cached_property
    def facilitator_examples(self) -> str:
        return "" if self.f is None else self._examples("facilitators", self.f)

    @cached_property
    def _semantic_similarity(self) -> np.ndarray | None:
        """The need's embedding similarity with every partnership it may see (0 for the others)."""
        found = None if self.semantic is None else self.semantic.partnership_similarity(self.need)
        return None if found is None else found * self.history.visible(self.need.as_of)

    @cached_property
    def provider_semantic_examples(self) -> str:
        similarity = self._semantic_similarity
        return "" if similarity is None else self._examples("providers", self.p, similarity)

    @cached_property
    def facilitator_semantic_examples(self) -> str:
        similarity = self._semantic_similarity
        return (
            "" if similarity is None or self.f is None else self._examples("facilitators", self.f, similarity)
        )

    @cached_property
    def match_summary(self) -> str:
        """What in the need this provider matches: its sectors and SDGs, and its nearest past
        partnerships; '' when nothing does."""
        parts = [p for p in (self.provider_sectors, self.provider_sdgs) if p]
        examples = self.provider_examples.removeprefix(": ")
        if examples:
            parts.append(f"past partnerships like {examples}")
        return f"{self.provider} matches the need: {'; '.join(parts)}" if parts else ""
