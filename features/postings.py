"""Text vectors kept as an inverted index: a terms × documents matrix.

A need shares a few hundred terms with the catalogue; the product `need @ postings` reads only
those terms' posting lists instead of every document's whole vector, which is what makes scoring
100,000 profiles per request affordable.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def postings(documents: sp.spmatrix) -> sp.csr_matrix:
    """Rows of document vectors turned into posting lists (one row per term)."""
    return sp.csr_matrix(documents.T, dtype=np.float32)


def cosines(postings: sp.csr_matrix, vector: sp.csr_matrix) -> np.ndarray:
    """Dot product of one L2-normalised need vector with every document: their cosines."""
    return (vector @ postings).toarray().ravel()


def squared_norms(postings: sp.csr_matrix) -> np.ndarray:
    """|d|² of every document."""
    return np.asarray(postings.multiply(postings).sum(axis=0)).ravel()
