"""Small array helpers the pair features share: the need's tag columns, overlaps and counts."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from features.catalogue_index import CatalogueIndex
from features.needs import ResolvedNeed


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
    return matrix[rows].toarray()[:, columns].sum(axis=1)
