"""Help-desk reviews are training labels; vectorisers do not depend on input order."""

from __future__ import annotations

import numpy as np
import pytest

from features.catalogue import Catalogue
from features.text_vectoriser import TextVectorizer
from matching.matcher import Matcher
from matching.training_examples import Review


def _score(matcher: Matcher, need, provider_id: str) -> float:  # type: ignore[no-untyped-def]
    ids, scores = matcher.recommend_ids([need], k=200)
    return float(scores[0][ids[0].index(provider_id)])


def test_rejections_lower_and_acceptances_raise_a_pair(catalogue: Catalogue, learned: Matcher) -> None:
    need = learned.resolve(
        {"country": "MOZ", "text": "Solar mini-grids for rural health centres.", "sdg": [7]}
    )
    provider = learned.recommend_ids([need], k=1)[0][0][0]
    baseline = _score(learned, need, provider)
    rejected = Matcher().fit(catalogue, reviews=[Review(need, provider, None, 0)] * 20)
    accepted = Matcher().fit(catalogue, reviews=[Review(need, provider, None, 1)] * 20)
    assert _score(rejected, need, provider) < baseline < _score(accepted, need, provider)


def test_text_vectors_do_not_depend_on_the_order_of_the_training_texts() -> None:
    texts = ["school feeding and family farming", "alimentation scolaire", "solar energy for clinics"]
    forward = TextVectorizer().fit(texts)
    backward = TextVectorizer().fit(texts[::-1])
    probe = ["alimentación escolar y agricultura familiar"]
    np.testing.assert_allclose(forward.transform(probe).toarray(), backward.transform(probe).toarray())


def test_words_never_seen_in_training_weigh_nothing() -> None:
    vectoriser = TextVectorizer().fit(["school feeding for rural schools", "solar energy for clinics"])
    known = vectoriser.transform(["school feeding"])
    with_unknown = vectoriser.transform(["school feeding zyxwvut"])  # hashed, but never seen
    np.testing.assert_allclose(known.toarray(), with_unknown.toarray(), atol=1e-7)


def test_tag_columns_put_languages_on_the_same_column() -> None:
    vectoriser = TextVectorizer().fit(["school feeding for rural schools", "alimentation scolaire"])
    names = list(vectoriser.tag_columns_)  # the tag columns, the last block of every vector
    assert "sector=112" in names
    width = 2 * vectoriser.n_features
    french, english = (
        vectoriser.transform([t])[:, width:] for t in ("alimentation scolaire", "school feeding")
    )
    assert french.shape[1] == len(names)
    column = names.index("sector=112")
    assert french[0, column] > 0 and english[0, column] > 0


def test_tfidf_equals_scikit_learns_transformer() -> None:
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    from features.text_vectoriser import tfidf

    texts = ["school feeding in rural schools", "rural clinics", "school meals and school gardens"]
    counts = HashingVectorizer(n_features=2**10, alternate_sign=False, norm=None).transform(texts)
    reference = TfidfTransformer(sublinear_tf=True).fit(counts)
    np.testing.assert_allclose(
        tfidf(counts, reference.idf_.astype(np.float32)).toarray(),
        reference.transform(counts).toarray(),
        atol=1e-6,
    )


def test_the_fast_spline_basis_equals_sklearns_transform() -> None:
    from sklearn.preprocessing import SplineTransformer

    from matching.learned_ranker import _spline_basis

    values = np.random.default_rng(0).gamma(2.0, size=(500, 1))
    spline = SplineTransformer(n_knots=4, degree=2, extrapolation="constant").fit(values)
    probe = np.array([-5.0, 0.0, 0.3, 1.7, 4.2, 50.0])
    np.testing.assert_allclose(_spline_basis(spline, probe), spline.transform(probe[:, None]), atol=1e-12)


def test_retrieval_scores_are_cosines_with_profile_plus_history(learned: Matcher) -> None:
    from sklearn.preprocessing import normalize

    view = learned.history_.view(None)
    need = learned.resolve({"country": "MOZ", "text": "Community health workers and vaccine cold chains."})
    vector = learned.text_.transform([need.document])
    _, similarity = learned.candidates(need, vector, view)
    assert view.retrieval_norms is not None
    profiles = learned.index_.provider_postings.T  # documents as rows again
    history = view.provider_postings.T
    query = vector.toarray().ravel()
    np.testing.assert_allclose(similarity[:, 0], profiles @ query, atol=1e-6)
    np.testing.assert_allclose(similarity[:, 1], history @ query, atol=1e-6)
    fast = similarity.sum(axis=1) / view.retrieval_norms
    exact = normalize(profiles + history) @ query
    np.testing.assert_allclose(fast, exact, atol=1e-5)


def test_the_learned_fit_does_not_depend_on_the_order_of_the_rows(catalogue: Catalogue) -> None:
    """With L-BFGS-B's default tolerances the facilitator coefficients moved by 1e-3 when the rows
    were shuffled, enough to swap near-tied triads; the fit now converges to the one optimum."""
    from features.facilitator_features import FACILITATOR_FEATURES
    from matching.learned_ranker import LearnedRanker
    from matching.training_examples import training_rows

    rows = training_rows(Matcher(ranker="prior").fit(catalogue), catalogue.partnerships, [])
    X, y = rows.facilitator_X, rows.facilitator_y
    order = np.random.default_rng(0).permutation(len(y))
    a = LearnedRanker().fit(X, y, FACILITATOR_FEATURES)
    b = LearnedRanker().fit(X[order], y[order], FACILITATOR_FEATURES)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-4)
    assert a.prior_ == pytest.approx(b.prior_, abs=1e-4)
