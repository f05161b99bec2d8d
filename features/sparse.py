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
