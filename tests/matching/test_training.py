"""Help-desk reviews are training labels; vectorisers do not depend on input order."""

from __future__ import annotations

import numpy as np

from features.catalogue import Catalogue
from features.text_vectoriser import TextVectorizer
from matching.matcher import Matcher, Review


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
    assert list(forward.get_feature_names_out()) == list(backward.get_feature_names_out())
    probe = ["alimentación escolar y agricultura familiar"]
    np.testing.assert_allclose(forward.transform(probe).toarray(), backward.transform(probe).toarray())


def test_text_feature_names_name_every_column() -> None:
    vectoriser = TextVectorizer().fit(["school feeding for rural schools"])
    names = vectoriser.get_feature_names_out()
    assert vectoriser.transform(["x"]).shape[1] == len(names)
    assert "word=school feeding" in set(names) and "sector=112" in set(names)


def test_the_fast_spline_basis_equals_sklearns_transform() -> None:
    from sklearn.preprocessing import SplineTransformer

    from matching.rankers import _spline_basis

    values = np.random.default_rng(0).gamma(2.0, size=(500, 1))
    spline = SplineTransformer(n_knots=4, degree=2, extrapolation="constant").fit(values)
    probe = np.array([-5.0, 0.0, 0.3, 1.7, 4.2, 50.0])
    np.testing.assert_allclose(_spline_basis(spline, probe), spline.transform(probe[:, None]), atol=1e-12)


def test_retrieval_scores_are_cosines_with_profile_plus_history(learned: Matcher) -> None:
    from sklearn.preprocessing import normalize

    view = learned.history_.view(None)
    need = learned.resolve({"country": "MOZ", "text": "Community health workers and vaccine cold chains."})
    vector = learned.text_.transform([need.document])
    learned._candidates(need, vector, view)
    assert view.retrieval_norms is not None
    query = vector.toarray().ravel()
    fast = (learned.index_.provider_text @ query + view.provider_text @ query) / view.retrieval_norms
    exact = normalize(learned.index_.provider_text + view.provider_text) @ query
    np.testing.assert_allclose(fast, exact, atol=1e-5)
