"""Popularity baselines: the same ranked list for every need, counted on the training partnerships.

They answer "how much better than proposing the usual partners?" for each target: provider
countries, facilitators (alone and as shown: the ten most popular are what a list would show)
and (provider country, facilitator) pairs. They see nothing but the records they are fitted on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from features.catalogue import Catalogue
from models.history import PartnershipRecord

# baseline name -> the targets it is evaluated on
BASELINES: dict[str, tuple[str, ...]] = {
    "popular-providers": ("provider",),
    "popular-facilitators": ("facilitator-alone", "facilitator"),
    "popular-pairs": ("triad", "diversity"),
}
BASELINE_NAMES = tuple(BASELINES)


def provider_countries(record: PartnershipRecord, provider_country: dict[str, str]) -> set[str]:
    """The countries that provided, the (first) beneficiary itself left out."""
    countries = {provider_country[p] for p in record.provider_ids if p in provider_country}
    countries.difference_update(record.partnership.beneficiaries[:1])
    return countries


def by_count(counts: Counter[Any], items: Iterable[Hashable] = ()) -> list[Any]:
    """Items by decreasing count, ties by the item itself; `items` adds those never counted."""
    keys = set(counts) | set(items)
    return sorted(keys, key=lambda key: (-counts[key], key))


def popular_providers(
    records: Sequence[PartnershipRecord], provider_country: dict[str, str], countries: Iterable[str] = ()
) -> list[str]:
    """Provider countries by how many of `records` they provided to (each record counts once)."""
    counts = Counter(c for r in records for c in provider_countries(r, provider_country))
    return by_count(counts, countries)


def popular_facilitators(records: Sequence[PartnershipRecord], facilitators: Iterable[str] = ()) -> list[str]:
    """Facilitators by how many of `records` they facilitated; `facilitators` appends the others."""
    counts = Counter(f for r in records for f in set(r.facilitator_ids))
    return by_count(counts, facilitators)


def popular_pairs(
    records: Sequence[PartnershipRecord], provider_country: dict[str, str]
) -> list[tuple[str, str]]:
    """(provider country, facilitator) pairs by how many of `records` they appear in; only those seen."""
    counts = Counter(
        (c, f)
        for r in records
        for c in provider_countries(r, provider_country)
        for f in set(r.facilitator_ids)
    )
    return by_count(counts)


@dataclass
class PopularityBaselines:
    """The three popularity lists of one training split."""

    providers: list[str]
    facilitators: list[str]
    pairs: list[tuple[str, str]]

    @classmethod
    def fit(cls, train: Catalogue) -> PopularityBaselines:
        """Counted on `train.partnerships` only; the catalogue's entries make up the rest of the lists."""
        provider_country = {p.id: p.country for p in train.providers}
        records = train.partnerships
        return cls(
            providers=popular_providers(records, provider_country, provider_country.values()),
            facilitators=popular_facilitators(records, (f.id for f in train.facilitators)),
            pairs=popular_pairs(records, provider_country),
        )

    def lists(self, name: str) -> dict[str, list[Any]]:
        """The ranked list of each target the baseline `name` is evaluated on."""
        if name not in BASELINES:
            raise ValueError(f"unknown baseline {name!r}; expected one of {', '.join(BASELINE_NAMES)}")
        by_target: dict[str, list[Any]] = {
            "provider": self.providers,
            "facilitator-alone": self.facilitators,
            "facilitator": self.facilitators,
            "triad": self.pairs,
            "diversity": [f for _, f in self.pairs[:10]],  # the facilitators of the ten pairs shown
        }
        return {target: by_target[target] for target in BASELINES[name]}
