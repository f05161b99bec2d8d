"""The catalogue as arrays: what retrieval, pair features and eligibility rules read.

Built once per fitted model from a `Catalogue`; providers and facilitators become rows of
sparse multi-hot matrices (`sector=112`, `language=pt` … via DictVectorizer) and columns of TF-IDF
posting lists, so that scoring a need against every candidate is a few sparse products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer

from features.catalogue import Catalogue
from features.geography import INCOME_RANK, CountryFacts
from features.postings import postings
from features.regions import m49_regions
from features.text_vectoriser import TextVectorizer
from models.catalogue import FacilitatorBase, ProviderBase
from models.vocab import FacilitatorKind, ProviderKind

TAG_FIELDS = ("sdg", "sector", "modality", "language", "region")
# kinds whose region list is a membership (who may borrow or belong), not a thematic focus
MEMBERSHIP_KINDS = frozenset({FacilitatorKind.regional_org, FacilitatorKind.development_bank})


def tag_dict(
    sdgs: list[int],
    sectors: list[str],
    modalities: list[str],
    languages: list[str],
    regions: list[str],
) -> dict[str, list[str]]:
    return {
        "sdg": [str(s) for s in sdgs],
        "sector": list(sectors),
        "modality": [str(m) for m in modalities],
        "language": list(languages),
        "region": list(regions),
    }


def profile_text(org: ProviderBase | FacilitatorBase) -> str:
    names = [org.name, *([org.acronym] if org.acronym else [])]
    return ". ".join([*names, org.description])


@dataclass
class CatalogueIndex:
    countries: CountryFacts
    group_index: dict[str, int]
    sector_index: dict[str, int]
    tags: DictVectorizer
    field_columns: dict[str, np.ndarray]  # tag columns of each field: `language` -> `language=…` columns
    # providers; ids, names and codes are string arrays, which save as one block each
    provider_ids: np.ndarray
    provider_names: np.ndarray
    provider_country: np.ndarray  # row in countries
    provider_country_code: np.ndarray
    provider_parent: np.ndarray  # row of the country profile, itself for a country profile
    provider_is_institution: np.ndarray
    provider_tags: sp.csr_matrix
    provider_postings: sp.csr_matrix  # text terms × providers
    # facilitators
    facilitator_ids: np.ndarray
    facilitator_names: np.ndarray
    facilitator_tags: np.ndarray  # dense: a few hundred rows, read whole for every need
    facilitator_postings: sp.csr_matrix  # text terms × facilitators
    facilitator_countries: list[set[str]]
    facilitator_by_membership: np.ndarray  # regions are member states (a regional body or bank), not a focus
    facilitator_income: list[set[int]]
    facilitator_funding: np.ndarray  # (F, 2) min, max; NaN when not public

    @classmethod
    def build(cls, catalogue: Catalogue, text: TextVectorizer, sector_codes: list[str]) -> CatalogueIndex:
        countries = CountryFacts.from_countries(catalogue.countries)
        providers: list[ProviderBase] = catalogue.providers
        facilitators: list[FacilitatorBase] = catalogue.facilitators
        tags = DictVectorizer(dtype=np.float32).fit(
            [
                tag_dict(list(range(1, 18)), sector_codes, [], [], sorted(m49_regions())),
                *(_org_tags(p) for p in providers),
                *(_org_tags(f) for f in facilitators),
            ]
        )
        provider_row = {p.id: i for i, p in enumerate(providers)}
        parent = [
            provider_row.get(p.parent or "", provider_row.get(p.country, i)) for i, p in enumerate(providers)
        ]
        return cls(
            countries=countries,
            group_index={g: i for i, g in enumerate(sorted(m49_regions()))},
            sector_index={s: i for i, s in enumerate(sector_codes)},
            tags=tags,
            field_columns={field: _field_columns(tags, field) for field in TAG_FIELDS},
            provider_ids=_strings([p.id for p in providers]),
            provider_names=_strings([p.name for p in providers]),
            provider_country=np.array([countries.index[p.country] for p in providers], dtype=np.int64),
            provider_country_code=_strings([p.country for p in providers]),
            provider_parent=np.array(parent, dtype=np.int64),
            provider_is_institution=np.array([p.kind != ProviderKind.country for p in providers]),
            provider_tags=tags.transform([_org_tags(p) for p in providers]).tocsr(),
            provider_postings=postings(text.transform([profile_text(p) for p in providers])),
            facilitator_ids=_strings([f.id for f in facilitators]),
            facilitator_names=_strings([f.name for f in facilitators]),
            facilitator_tags=tags.transform([_org_tags(f) for f in facilitators]).toarray(),
            facilitator_postings=postings(text.transform([profile_text(f) for f in facilitators])),
            facilitator_countries=[set(f.countries) for f in facilitators],
            facilitator_by_membership=np.array(
                [f.kind in MEMBERSHIP_KINDS for f in facilitators], dtype=bool
            ),
            facilitator_income=[{INCOME_RANK[g] for g in f.income_groups} for f in facilitators],
            facilitator_funding=np.array(
                [
                    [
                        np.nan if f.funding_min_usd is None else f.funding_min_usd,
                        np.nan if f.funding_max_usd is None else f.funding_max_usd,
                    ]
                    for f in facilitators
                ],
                dtype=float,
            ).reshape(-1, 2),
        )

    def columns(self, names: list[str]) -> np.ndarray:
        """Tag column indices of `field=value` names (unknown names are skipped)."""
        vocabulary = self.tags.vocabulary_
        return np.array([vocabulary[n] for n in names if n in vocabulary], dtype=np.int64)


def _field_columns(tags: DictVectorizer, field: str) -> np.ndarray:
    columns = [c for name, c in tags.vocabulary_.items() if name.startswith(f"{field}=")]
    return np.array(sorted(columns), dtype=np.int64)


def _org_tags(org: ProviderBase | FacilitatorBase) -> dict[str, list[str]]:
    return tag_dict(org.sdgs, org.sectors, [str(m) for m in org.modalities], org.languages, org.regions)


def _strings(values: list[str]) -> np.ndarray:
    return np.array(values, dtype=str) if values else np.zeros(0, dtype="<U1")
