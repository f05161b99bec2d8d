"""What the partnership history says about each provider and facilitator, as of a date.

Every count here uses only partnerships that started before the need's year (`as_of`), so a
feature never sees the future. Undated partnerships are seen only by undated (live) needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from features.geography import CountryFacts
from features.postings import cosines, postings
from features.sparse import incidence
from models.history import PartnershipRecord


@dataclass
class HistoryView:
    """Aggregates over the partnerships visible at one date."""

    provider_total: np.ndarray
    provider_by_sector: sp.csr_matrix
    provider_by_sdg: sp.csr_matrix
    provider_by_country: sp.csc_matrix
    provider_by_group: sp.csr_matrix
    provider_postings: sp.csr_matrix  # text terms × providers: their past partnerships' texts
    facilitator_total: np.ndarray
    facilitator_by_sector: sp.csr_matrix
    facilitator_by_country: sp.csc_matrix
    facilitator_by_group: sp.csr_matrix
    facilitator_postings: sp.csr_matrix
    cooperation: sp.csr_matrix  # providers x facilitators
    # norms of (profile + history) rows, filled once by the matcher: a vector, not a second matrix
    retrieval_norms: np.ndarray | None = None
    visible: np.ndarray | None = None  # which partnerships the view counts (a boolean mask)


@dataclass
class HistoryIndex:
    """Partnerships as incidence matrices, sliced by date on demand."""

    years: np.ndarray  # float, NaN when undated
    ids: list[str]
    titles: list[str]  # as the source gives them, quoted by the reasons
    providers: sp.csr_matrix  # partnerships x providers
    facilitators: sp.csr_matrix
    beneficiaries: sp.csr_matrix  # partnerships x countries
    groups: sp.csr_matrix  # partnerships x M49 groups (of the beneficiaries)
    sectors: sp.csr_matrix
    sdgs: sp.csr_matrix
    texts: sp.csr_matrix
    _views: dict[float | None, HistoryView] = field(default_factory=dict, repr=False)
    _lookups: dict[str, sp.spmatrix] = field(default_factory=dict, repr=False)  # built on first use

    @classmethod
    def build(
        cls,
        records: list[PartnershipRecord],
        provider_index: dict[str, int],
        facilitator_index: dict[str, int],
        countries: CountryFacts,
        group_index: dict[str, int],
        sector_index: dict[str, int],
        texts: sp.csr_matrix,
    ) -> HistoryIndex:
        def rows(ids: list[list[str]], index: dict[str, int]) -> list[list[int]]:
            return [[index[i] for i in r if i in index] for r in ids]

        beneficiaries = [r.partnership.beneficiaries for r in records]
        groups = [
            sorted({g for iso3 in b if iso3 in countries.index for g in countries.regions(iso3)})
            for b in beneficiaries
        ]
        return cls(
            years=np.array(
                [np.nan if r.partnership.year_start is None else r.partnership.year_start for r in records],
                dtype=float,
            ),
            ids=[r.partnership.id for r in records],
            titles=[r.partnership.title for r in records],
            providers=incidence(rows([r.provider_ids for r in records], provider_index), len(provider_index)),
            facilitators=incidence(
                rows([r.facilitator_ids for r in records], facilitator_index),
                len(facilitator_index),
            ),
            beneficiaries=incidence(rows(beneficiaries, countries.index), len(countries.index)),
            groups=incidence(rows(groups, group_index), len(group_index)),
            sectors=incidence(
                rows([r.partnership.sectors for r in records], sector_index), len(sector_index)
            ),
            sdgs=incidence([[g - 1 for g in r.partnership.sdgs] for r in records], 17),
            texts=texts,
        )

    def clear_views(self) -> None:
        self._views.clear()
        self._lookups.clear()

    def _lookup(self, name: str) -> sp.spmatrix:
        """Column-wise copies for reading one provider's or facilitator's partnerships, and the
        partnerships' texts as posting lists; built once per process."""
        if name not in self._lookups:
            self._lookups[name] = postings(self.texts) if name == "texts" else getattr(self, name).tocsc()
        return self._lookups[name]

    def cosines_with(self, vector: sp.csr_matrix, as_of: float | None) -> np.ndarray:
        """The need's cosine with every partnership's text; 0 for those it may not see."""
        return cosines(self._lookup("texts"), vector) * self.visible(as_of)

    def similar_partnerships(
        self, who: str, column: int, similarity: np.ndarray, limit: int = 3
    ) -> list[int]:
        """The partnerships of provider or facilitator `column` (`who`: "providers" or
        "facilitators") most similar to the need (`similarity`: `cosines_with`), best first;
        only those sharing some wording."""
        incidence = self._lookup(who)
        rows = incidence.indices[incidence.indptr[column] : incidence.indptr[column + 1]]
        order = rows[np.argsort(-similarity[rows], kind="stable")][:limit]
        return [int(r) for r in order if similarity[r] > 0]

    def first_beneficiary(self, row: int) -> int | None:
        """The country row of a partnership's first beneficiary, if it names one."""
        matrix = self.beneficiaries
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        return int(matrix.indices[start]) if end > start else None

    def visible(self, as_of: float | None) -> np.ndarray:
        """Partnerships a need dated `as_of` may learn from (all of them for a live need)."""
        if as_of is None:
            return np.ones(len(self.years), dtype=bool)
        with np.errstate(invalid="ignore"):
            return self.years < as_of

    def view(self, as_of: float | None, exclude: int | None = None) -> HistoryView:
        """Aggregates as of a date; `exclude` hides one partnership (the one being learned from)."""
        if as_of is not None and np.isnan(as_of):
            as_of = None
        if exclude is not None:
            mask = self.visible(as_of)
            mask[exclude] = False
            return self._aggregate(mask)
        if as_of not in self._views:
            self._views[as_of] = self._aggregate(self.visible(as_of))
        return self._views[as_of]

    def _aggregate(self, mask: np.ndarray) -> HistoryView:
        keep = sp.diags(mask.astype(np.float32))
        p = (keep @ self.providers).T.tocsr()
        f = (keep @ self.facilitators).T.tocsr()
        return HistoryView(
            provider_total=np.asarray(p.sum(axis=1)).ravel(),
            provider_by_sector=(p @ self.sectors).tocsr(),
            provider_by_sdg=(p @ self.sdgs).tocsr(),
            provider_by_country=(p @ self.beneficiaries).tocsc(),
            provider_by_group=(p @ self.groups).tocsr(),
            provider_postings=postings(normalize(p @ self.texts)),
            facilitator_total=np.asarray(f.sum(axis=1)).ravel(),
            facilitator_by_sector=(f @ self.sectors).tocsr(),
            facilitator_by_country=(f @ self.beneficiaries).tocsc(),
            facilitator_by_group=(f @ self.groups).tocsr(),
            facilitator_postings=postings(normalize(f @ self.texts)),
            cooperation=(p @ (keep @ self.facilitators)).tocsr(),
            visible=mask,
        )
