"""One contract for every ranker, on a hand-made catalogue of a few rows (tests/matching/tiny_catalogue.py).

Each property is checked against numbers computed here from the fitted coefficients, never
against the engine's own sums: a wrong contribution, a doubled pair term or a forced abstention
fails a test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from features.catalogue import Catalogue
from features.facilitator_features import FACILITATOR_FEATURES
from features.feature_spec import FeatureSet
from features.provider_features import PROVIDER_FEATURES
from matching.matcher import Matcher
from matching.persistence import load_matcher, save_matcher
from matching.rankers import RANKERS, AdditiveRanker, LearnedRanker, LinearRanker, RandomRanker
from matching.triad_scores import TriadScores, pair_rows
from tests.matching.tiny_catalogue import STRONG_NEED, WEAK_NEED, tiny_catalogue

NAMES = sorted(RANKERS)
# rankers that read the need: a weak need must make them abstain (popularity and random cannot tell)
NEED_AWARE = ("learned", "prior", "text-only")


@pytest.fixture(scope="module")
def tiny(catalogue: Catalogue) -> Catalogue:
    return tiny_catalogue(catalogue.countries)


@pytest.fixture(scope="module")
def fitted(tiny: Catalogue) -> dict[str, Matcher]:
    # with ten partnerships, abstain below the weakest real partner's score (not a 5% quantile)
    return {name: Matcher(ranker=name, abstain_quantile=0.0).fit(tiny) for name in NAMES}


def _terms(ranker: LearnedRanker, X: np.ndarray) -> np.ndarray:
    """Each feature's spline (or linear) term, from scikit-learn's own transform and the coefficients."""
    out = np.zeros_like(X, dtype=float)
    start = 0
    for j, spline in enumerate(ranker.transformers_):
        width = 1 if spline is None else spline.n_features_out_ - (ranker.signs_[j] != "free")
        basis = X[:, j : j + 1] if spline is None else spline.transform(X[:, j : j + 1])
        if spline is not None and ranker.signs_[j] != "free":
            # a signed spline term: sums of the basis from each column to the last, the first dropped
            basis = np.array([[row[i:].sum() for i in range(1, len(row))] for row in basis])
        out[:, j] = basis @ ranker.coef_[start : start + width]
        start += width
    return out


def expected_contributions(ranker: AdditiveRanker, X: np.ndarray, features: FeatureSet) -> np.ndarray:
    """Contributions recomputed from the fitted coefficients, measured from the reference values."""
    if isinstance(ranker, LinearRanker):
        return (X - features.reference) * ranker.coef_
    assert isinstance(ranker, LearnedRanker)
    return _terms(ranker, X) - _terms(ranker, features.reference[None, :])


def expected_prior(ranker: AdditiveRanker, features: FeatureSet) -> float:
    """The score of a pair whose every feature is at its reference value."""
    if isinstance(ranker, LinearRanker):
        return float(ranker.intercept)
    assert isinstance(ranker, LearnedRanker)
    return float(ranker.intercept_ + _terms(ranker, features.reference[None, :]).sum())


LEGS = {"provider": PROVIDER_FEATURES, "facilitator": FACILITATOR_FEATURES}


@pytest.mark.parametrize("name", [n for n in NAMES if n != "random"])
@pytest.mark.parametrize(
    "features", [PROVIDER_FEATURES, FACILITATOR_FEATURES], ids=["provider", "facilitator"]
)
def test_contributions_at_the_reference_are_zero(
    fitted: dict[str, Matcher], name: str, features: FeatureSet
) -> None:
    matcher = fitted[name]
    ranker = matcher.provider_ranker_ if features is PROVIDER_FEATURES else matcher.facilitator_ranker_
    _, contributions = ranker.contributions(features.reference[None, :])
    np.testing.assert_array_equal(contributions, 0.0)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "random"])
def test_every_record_is_recomputed_from_the_coefficients(fitted: dict[str, Matcher], name: str) -> None:
    matcher = fitted[name]
    answer = matcher.recommend([matcher.resolve(STRONG_NEED)])[0]
    assert answer["suggestions"]
    for leg, features, ranker in (
        ("provider", PROVIDER_FEATURES, matcher.provider_ranker_),
        ("facilitator", FACILITATOR_FEATURES, matcher.facilitator_ranker_),
    ):
        names = features.get_feature_names_out().tolist()
        prior = expected_prior(ranker, features)
        for s in answer["suggestions"]:
            records = {r["feature"]: r for r in s["contributions"]}
            X = np.array([[records[n]["value"] for n in names]])
            expected = expected_contributions(ranker, X, features)[0]
            got = np.array([records[n]["contribution"] for n in names])
            np.testing.assert_allclose(
                got, expected, atol=1e-9, err_msg=f"{leg} leg of {s['provider']['id']}"
            )
            s[f"_{leg}"] = prior + expected.sum()
    for s in answer["suggestions"]:
        penalty = sum(r["contribution"] for r in s["contributions"] if r["group"] == "diversity")
        assert s["score"] == pytest.approx(s["_provider"] + s["_facilitator"] + penalty, abs=1e-9)


def test_the_random_ranker_draws_from_its_seed() -> None:
    X = np.zeros((5, len(PROVIDER_FEATURES)))
    ranker = RandomRanker(random_state=7).fit(X, np.zeros(5), PROVIDER_FEATURES)
    prior, contributions = ranker.contributions(X)
    assert prior == 0.0
    np.testing.assert_array_equal(contributions[:, 0], np.random.default_rng(7).random(5))


@pytest.mark.parametrize("name", NAMES)
def test_the_separable_shortcut_equals_full_row_scoring(fitted: dict[str, Matcher], name: str) -> None:
    matcher = fitted[name]
    ranker = matcher.facilitator_ranker_
    need = matcher.resolve(STRONG_NEED)
    view = matcher.history_.view(None)
    vector = matcher.text_.transform([need.document])
    providers = np.arange(len(matcher.index_.provider_ids))
    facilitators = np.arange(len(matcher.index_.facilitator_ids))
    base, pairs = matcher.facilitator_matrices(need, vector, view, providers, facilitators)
    provider_scores = np.linspace(0.0, 1.0, len(providers))
    if isinstance(ranker, RandomRanker):
        assert not ranker.separable  # it scores full rows: nothing to compare
        return
    triads = TriadScores(ranker, provider_scores, base, pairs)
    full = ranker.score(pair_rows(base, pairs)).reshape(len(providers), len(facilitators))
    np.testing.assert_allclose(triads.scores, provider_scores[:, None] + full, atol=1e-12)
    columns = FACILITATOR_FEATURES.columns(per_pair=True)
    rows = pair_rows(base, pairs)
    np.testing.assert_allclose(
        ranker.column_contributions(rows[:, columns], columns), ranker.contributions(rows)[1][:, columns]
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_same_answers_after_save_and_load(fitted: dict[str, Matcher], name: str, tmp_path: Path) -> None:
    original = fitted[name]
    card = save_matcher(original, tmp_path / f"{name}.skops")
    loaded = load_matcher(tmp_path / f"{name}.skops", card["sha256"])
    need = original.resolve(STRONG_NEED)
    assert loaded.recommend([need]) == original.recommend([need])


@pytest.mark.parametrize("name", NAMES)
def test_a_strong_need_does_not_abstain(fitted: dict[str, Matcher], name: str) -> None:
    matcher = fitted[name]
    answer = matcher.recommend([matcher.resolve(STRONG_NEED)])[0]
    assert answer["abstained"] is False
    if name in NEED_AWARE:
        assert answer["suggestions"][0]["provider"]["id"] == "BRA"  # the planted partner


@pytest.mark.parametrize("name", NEED_AWARE)
def test_a_weak_need_abstains(fitted: dict[str, Matcher], name: str) -> None:
    matcher = fitted[name]
    answer = matcher.recommend([matcher.resolve(WEAK_NEED)])[0]
    assert answer["abstained"] is True
    assert answer["message"] == "no strong match — refer to the help desk"


@pytest.mark.parametrize("name", [n for n in NAMES if n != "random"])
def test_signed_features_keep_their_sign_over_their_range(fitted: dict[str, Matcher], name: str) -> None:
    for leg, features in LEGS.items():
        ranker = getattr(fitted[name], f"{leg}_ranker_")
        grid = np.linspace(0.0, 10.0, 201)
        for j, feature in enumerate(features.features):
            X = np.tile(features.reference, (len(grid), 1))
            X[:, j] = np.maximum(grid, feature.reference)
            contributions = ranker.contributions(X)[1][:, j]
            if feature.sign == "positive":
                assert (contributions >= -1e-12).all(), f"{leg}.{feature.name}"
                assert (np.diff(contributions) >= -1e-12).all(), f"{leg}.{feature.name} is not monotone"
            elif feature.sign == "negative":
                assert (contributions <= 1e-12).all(), f"{leg}.{feature.name}"
