"""Feature declarations: names, the missing level, sign rules and reasons come from one place."""

from __future__ import annotations

import numpy as np
import pytest

from features.facilitator_features import FACILITATOR_FEATURES
from features.feature_spec import Feature, FeatureSet, UnknownFeatureError
from features.provider_features import PROVIDER_FEATURES
from features.text_vectoriser import TextVectorizer


def test_every_transformer_names_its_columns() -> None:
    text = TextVectorizer(n_features=32).fit(["school feeding programme", "alimentação escolar"])
    assert len(text.get_feature_names_out()) == text.transform(["school meals"]).shape[1]
    assert text.get_feature_names_out()[-1].startswith("tag:")
    names = FACILITATOR_FEATURES.get_feature_names_out().tolist()
    assert names[0] == "facilitator.text_similarity"
    assert names[-2:] == ["cooperation.provider_cooperation", "cooperation.provider_language"]
    assert PROVIDER_FEATURES.get_feature_names_out().tolist() == [
        f"provider.{n}" for n in PROVIDER_FEATURES.names
    ]


def test_an_unknown_feature_name_is_an_error() -> None:
    with pytest.raises(UnknownFeatureError, match="provider: no feature named 'popularity'"):
        PROVIDER_FEATURES["popularity"]


def test_a_declaration_must_word_every_sign_it_allows() -> None:
    with pytest.raises(ValueError, match="sign 'free' needs a caveat reason"):
        Feature("distance", "geography", lambda c: c, helps="near", label="Near")
    with pytest.raises(ValueError, match="sign 'positive' can never use a caveat reason"):
        Feature(
            "overlap",
            "tags",
            lambda c: c,
            helps="shares",
            caveat="shares little",
            sign="positive",
            label="Shares",
        )
    with pytest.raises(ValueError, match=r"prior weight -1\.0 breaks its sign"):
        Feature(
            "overlap", "tags", lambda c: c, helps="shares", sign="positive", prior_weight=-1.0, label="Shares"
        )


def test_a_declaration_needs_a_plain_label() -> None:
    with pytest.raises(ValueError, match="feature 'overlap' needs a label in plain words"):
        Feature("overlap", "tags", lambda c: c, helps="shares", sign="positive")
    every = [*PROVIDER_FEATURES.features, *FACILITATOR_FEATURES.features]
    assert all(f.label and "_" not in f.label and f.name not in f.label for f in every)
    labels = [f.label for f in every]
    assert len(set(labels)) == len(labels)  # two features never read the same


def test_missing_input_takes_the_reference_value_and_says_nothing() -> None:
    features = FeatureSet(
        "provider",
        [
            Feature(
                "distance",
                "geography",
                lambda c: c["km"],
                helps="near",
                caveat="far",
                reference=2.0,
                label="Near",
            ),
            Feature(
                "overlap",
                "tags",
                lambda c: c["share"],
                helps="shares {value:.0%}",
                sign="positive",
                label="Shares",
            ),
        ],
    )
    X = features.matrix({"km": np.array([1.0, np.nan]), "share": np.array([np.nan, 0.5])}, 2)
    np.testing.assert_array_equal(X, [[1.0, 0.0], [2.0, 0.5]])
    overlap = features["overlap"]
    assert overlap.reason(None, 0.5, 0.7) == "shares 50%"
    assert overlap.reason(None, 0.0, 0.0) == "" and overlap.effect(0.0) == "none"
    assert features["distance"].reason(None, 3.0, -0.2) == "far"
