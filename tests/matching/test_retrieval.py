"""Stage one: top-k over non-zero scores, the experience fallback, and posting-list arithmetic."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from features.postings import cosines, postings, squared_norms, sum_norms
from matching.retrieval import retrieve, top_k


def test_top_k_orders_the_non_zero_allowed_scores() -> None:
    scores = np.array([0.0, 0.5, 0.9, 0.0, 0.7, 0.2])
    allowed = np.array([True, True, True, True, False, True])
    assert top_k(scores, 3, allowed).tolist() == [2, 1, 5]
    assert top_k(scores, 10).tolist() == [2, 4, 1, 5]  # zeros are never candidates


def test_fewer_matches_than_k_are_topped_up_by_experience() -> None:
    scores = np.array([0.0, 0.4, 0.0, 0.0, 0.0])
    allowed = np.array([True, True, True, False, True])
    experience = np.array([1.0, 9.0, 0.0, 5.0, 1.0])  # row 3 is not allowed; rows 0 and 4 tie
    assert retrieve(scores, 4, allowed, experience).tolist() == [1, 0, 4, 2]
    assert retrieve(scores, 1, allowed, experience).tolist() == [1]


def test_postings_give_the_cosines_and_norms_of_their_documents() -> None:
    rng = np.random.default_rng(0)
    profiles = normalize(sp.random(40, 300, density=0.05, random_state=1, format="csr", dtype=np.float32))
    history = normalize(sp.random(40, 300, density=0.01, random_state=2, format="csr", dtype=np.float32))
    need = normalize(sp.csr_matrix(rng.random((1, 300)) * (rng.random((1, 300)) < 0.1)))
    index, past = postings(profiles), postings(history)
    assert index.shape == (300, 40) and index.indices.dtype == np.int32
    np.testing.assert_allclose(cosines(index, need), (profiles @ need.T).toarray().ravel(), atol=1e-6)
    np.testing.assert_allclose(
        squared_norms(index), np.asarray(profiles.multiply(profiles).sum(axis=1)).ravel(), atol=1e-6
    )
    exact = np.sqrt(np.asarray((profiles + history).multiply(profiles + history).sum(axis=1)).ravel())
    np.testing.assert_allclose(sum_norms(index, past), np.maximum(exact, 1e-6), atol=1e-5)
