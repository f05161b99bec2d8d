"""The incidence builder: multi-hot float32 CSR rows, what the hand-built matrix was."""

from __future__ import annotations

import numpy as np

from features.sparse import incidence


def test_rows_are_multi_hot_float32_with_sorted_columns() -> None:
    matrix = incidence([[3, 0, 3], [], [1]], 4)
    assert matrix.shape == (3, 4) and matrix.dtype == np.float32
    assert matrix.toarray().tolist() == [[1, 0, 0, 1], [0, 0, 0, 0], [0, 1, 0, 0]]
    assert matrix.indptr.tolist() == [0, 2, 2, 3] and matrix.indices.tolist() == [0, 3, 1]
    assert matrix.has_canonical_format


def test_no_rows_or_no_columns_keep_their_shape() -> None:
    assert incidence([], 5).shape == (0, 5)
    assert incidence([[], []], 0).shape == (2, 0)
