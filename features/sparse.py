"""Sparse multi-hot rows from lists of column numbers, shared by the history and the vectoriser."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def incidence(rows: list[list[int]], n_cols: int) -> sp.csr_matrix:
    """One row per list, 1.0 in each listed column (a column listed twice is still 1.0)."""
    indptr = np.cumsum([0, *(len(r) for r in rows)])
    indices = np.array([i for r in rows for i in r], dtype=np.int64)
    data = np.ones(len(indices), dtype=np.float32)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix
