"""What every pair feature of one need reads (`NeedContext`), and the array helpers they share."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from features.catalogue_index import CatalogueIndex
from features.history import HistoryView
from features.needs import ResolvedNeed
from features.sparse import row_sums_over


@dataclass
class NeedContext:
    """The need's side, computed once; a subclass names its rows (`tags`: one row each)."""

    index: CatalogueIndex
    view: HistoryView
    need: ResolvedNeed

    @property
    def tags(self) -> np.ndarray:
        raise NotImplementedError

    @cached_property
    def columns(self) -> dict[str, np.ndarray]:
        return need_columns(self.index, self.need)

    @cached_property
    def need_row(self) -> int:
        return self.index.countries.index[self.need.country]

    @cached_property
    def need_groups(self) -> list[str]:
        return self.index.countries.groups[self.need_row]

    def tag_share(self, field: str) -> np.ndarray:
        """Share of the need's `field` tags each row lists; missing when the need has none."""
        if len(self.columns[field]) == 0:
            return np.full(len(self.tags), np.nan)
        return overlap(self.tags, self.columns[field])


def need_columns(index: CatalogueIndex, need: ResolvedNeed) -> dict[str, np.ndarray]:
    return {
        "sdg": index.columns([f"sdg={s}" for s in need.all_sdgs()]),
        "sector": index.columns([f"sector={s}" for s in need.all_sectors()]),
        "modality": index.columns([f"modality={m}" for m in need.all_modalities()]),
        "language": index.columns([f"language={lang}" for lang in need.languages]),
    }


def overlap(tags: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Share of the need's tag columns that each (dense) tag row has."""
    if len(columns) == 0:
        return np.zeros(len(tags))
    return tags[:, columns].sum(axis=1) / len(columns)


def count_in(matrix: sp.spmatrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Sum of `columns` in each of `rows`: one sparse row slice, then dense arithmetic."""
    if len(columns) == 0:
        return np.zeros(len(rows))
    if sp.issparse(matrix) and matrix.format == "csr":
        return row_sums_over(matrix, np.asarray(rows), np.asarray(columns))
    return matrix[rows].toarray()[:, columns].sum(axis=1)
