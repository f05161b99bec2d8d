"""Text vectors kept as an inverted index: a terms × documents matrix.

A need shares a few hundred terms with the catalogue; the product `need @ postings` reads only
those terms' posting lists instead of every document's whole vector, which is what makes scoring
100,000 profiles per request affordable.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

_CHUNK = 1 << 20  # entries per step when a pass over every posting must not copy them all


def postings(documents: sp.spmatrix) -> sp.csr_matrix:
    """Rows of document vectors turned into posting lists (one row per term), 32-bit indices."""
    matrix = sp.csr_matrix(documents.T, dtype=np.float32)
    if matrix.nnz < np.iinfo(np.int32).max and matrix.shape[1] < np.iinfo(np.int32).max:
        matrix.indices = matrix.indices.astype(np.int32, copy=False)
        matrix.indptr = matrix.indptr.astype(np.int32, copy=False)
    return matrix


def cosines(postings: sp.csr_matrix, vector: sp.csr_matrix) -> np.ndarray:
    """Dot product of one L2-normalised need vector with every document: their cosines."""
    return (vector @ postings).toarray().ravel()


def squared_norms(postings: sp.csr_matrix) -> np.ndarray:
    """|d|² of every document, summed a block of postings at a time."""
    total = np.zeros(postings.shape[1])
    for start in range(0, postings.nnz, _CHUNK):
        block = slice(start, start + _CHUNK)
        values = postings.data[block].astype(np.float64)
        total += np.bincount(postings.indices[block], weights=values * values, minlength=postings.shape[1])
    return total


def sum_norms(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """|a_d + b_d| of every document d, as sqrt(|a|² + |b|² + 2 a·b). The cross term is computed
    over the documents `b` has at all, which keeps the pass cheap when `b` is sparse (history)."""
    cross = np.zeros(a.shape[1])
    shared = np.unique(b.indices)
    if len(shared):
        cross[shared] = np.asarray(a[:, shared].multiply(b[:, shared]).sum(axis=0)).ravel()
    return np.sqrt(np.maximum(squared_norms(a) + squared_norms(b) + 2 * cross, 1e-12))
