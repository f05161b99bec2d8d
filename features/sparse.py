"""Sparse multi-hot rows from lists of column numbers, shared by the history and the vectoriser."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import MultiLabelBinarizer


def incidence(rows: list[list[int]], n_cols: int) -> sp.csr_matrix:
    """One row per list, 1.0 in each listed column (a column listed twice is still 1.0)."""
    binarizer = MultiLabelBinarizer(classes=range(n_cols), sparse_output=True)
    matrix = sp.csr_matrix(binarizer.fit_transform(rows), dtype=np.float32)
    matrix.sort_indices()  # the binarizer lists a row's columns in set order
    return matrix


def row_sums_over(matrix: sp.csr_matrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Sum of `columns` (a column listed twice counts twice) in each of `rows`, read straight from
    the CSR arrays: slicing the rows out as a new matrix costs more than the sums themselves."""
    weight = np.bincount(columns, minlength=matrix.shape[1])
    starts, ends = matrix.indptr[rows], matrix.indptr[rows + 1]
    lengths = ends - starts
    positions = np.arange(lengths.sum()) + np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    values = matrix.data[positions] * weight[matrix.indices[positions]]
    sums = np.bincount(np.repeat(np.arange(len(rows)), lengths), weights=values, minlength=len(rows))
    return sums.astype(matrix.dtype)
