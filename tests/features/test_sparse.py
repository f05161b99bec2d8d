"""The incidence builder (multi-hot float32 CSR rows, what the hand-built matrix was), and sums of
chosen columns over chosen rows read from the CSR arrays."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from features.sparse import incidence, row_sums_over


def test_rows_are_multi_hot_float32_with_sorted_columns() -> None:
    matrix = incidence([[3, 0, 3], [], [1]], 4)
    assert matrix.shape == (3, 4) and matrix.dtype == np.float32
    assert matrix.toarray().tolist() == [[1, 0, 0, 1], [0, 0, 0, 0], [0, 1, 0, 0]]
    assert matrix.indptr.tolist() == [0, 2, 2, 3] and matrix.indices.tolist() == [0, 3, 1]
    assert matrix.has_canonical_format


def test_no_rows_or_no_columns_keep_their_shape() -> None:
    assert incidence([], 5).shape == (0, 5)
    assert incidence([[], []], 0).shape == (2, 0)


def test_row_sums_over_columns_equal_the_dense_sums_by_hand() -> None:
    matrix = sp.csr_matrix(np.array([[1, 0, 2, 0], [0, 3, 0, 0], [4, 0, 0, 5]], dtype=np.float32))
    # rows 2, 0, 2 again; column 0 twice, column 3 once: 4+4+5, 1+1+0, 4+4+5
    sums = row_sums_over(matrix, np.array([2, 0, 2]), np.array([0, 3, 0]))
    assert sums.dtype == np.float32 and sums.tolist() == [13.0, 2.0, 13.0]
    assert row_sums_over(matrix, np.array([1]), np.array([0, 2, 3])).tolist() == [0.0]
    assert row_sums_over(matrix, np.array([], dtype=np.int64), np.array([1])).tolist() == []


def test_row_sums_over_match_slicing_the_rows_on_random_matrices() -> None:
    rng = np.random.default_rng(0)
    for trial in range(100):
        matrix = sp.random(
            50, 30, density=rng.random() / 2, format="csr", dtype=np.float32, random_state=trial
        )
        matrix.data = np.round(matrix.data * 5).astype(np.float32)
        rows = rng.integers(0, 50, size=rng.integers(1, 40))
        columns = rng.integers(0, 30, size=rng.integers(1, 10))
        expected = matrix[rows].toarray()[:, columns].sum(axis=1)
        assert np.array_equal(row_sums_over(matrix, rows, columns), expected), trial
