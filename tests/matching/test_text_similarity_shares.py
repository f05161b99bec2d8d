"""A provider's text similarities are shares of the need's best cosine over every provider, so a
need written in French weighs its closest English profile as the English need does."""

from __future__ import annotations

import numpy as np

from features.provider_features import PROVIDER_FEATURES, SIMILARITY_FLOOR, ProviderContext
from matching.matcher import Matcher
from tests.matching.twin_needs import twin

TEXT_COLUMNS = [PROVIDER_FEATURES.names.index(n) for n in ("text_similarity", "history_text_similarity")]


def _cosines_and_features(matcher: Matcher, raw: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    need = matcher.resolve(raw)
    view = matcher.history_.view(need.as_of)
    similarity = matcher.similarity(matcher.text_.transform([need.document]), view)
    every = np.arange(len(matcher.index_.provider_ids))
    return similarity, matcher.provider_matrix(view, need, every, similarity)[:, TEXT_COLUMNS]


def test_each_text_similarity_is_its_cosine_over_the_needs_best(learned: Matcher) -> None:
    cosines, features = _cosines_and_features(learned, twin("demining", "fr"))
    best = cosines.max(axis=0)
    assert (best > SIMILARITY_FLOOR).all()
    np.testing.assert_allclose(features, cosines / best, rtol=1e-6)
    assert features.max(axis=0).tolist() == [1.0, 1.0]


def test_the_closest_profile_weighs_the_same_in_english_and_in_french(learned: Matcher) -> None:
    row = list(learned.index_.provider_ids).index("KHM-CMAC")
    english, english_features = _cosines_and_features(learned, twin("demining", "en"))
    french, french_features = _cosines_and_features(learned, twin("demining", "fr"))
    assert french[row, 0] < english[row, 0] / 2  # the French text meets the English profile less
    assert english_features[row, 0] == french_features[row, 0] == 1.0  # still the closest in both


def test_a_need_that_shares_almost_no_words_is_not_scaled_up_to_one(learned: Matcher) -> None:
    need = learned.resolve(twin("demining", "en"))
    cosines = np.array([[0.03, 0.0], [0.01, 0.0]])  # best below the floor; no history at all
    context = ProviderContext(learned.index_, learned.history_.view(None), need, np.arange(2), cosines,
                              cosines.max(axis=0))  # fmt: skip
    np.testing.assert_allclose(context.relative_similarity, [[0.6, 0.0], [0.2, 0.0]])


def test_the_reason_says_the_share_it_was_scored_on(learned: Matcher) -> None:
    answer = learned.recommend([learned.resolve(twin("demining", "fr"))])[0]
    worded = 0
    for suggestion in answer["suggestions"]:
        for c in suggestion["contributions"]:
            if c["feature"] == "provider.text_similarity" and c["contribution"] > 0:
                assert f"({c['value']:.0%} as close as the closest profile)" in c["reason"], c
                worded += 1
    assert worded > 0
