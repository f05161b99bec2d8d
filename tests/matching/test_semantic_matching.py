"""Semantic (multilingual) features in the engine: the same need in four languages, time, fallback."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

import features.semantic_encoder as semantic_encoder
from features.catalogue import Catalogue
from features.semantic_encoder import DEFAULT_ENCODER, EncoderUnavailableError
from matching.matcher import Matcher
from matching.persistence import (
    READ_ONLY,
    SEMANTIC_FILE,
    ModelFileError,
    arrays_folder,
    load_matcher,
    save_matcher,
)
from tests.matching.twin_needs import TWINS

TOPICS = sorted({t["topic"] for t in TWINS})
LANGUAGES = ("en", "fr", "es", "pt")
SEMANTIC_FEATURES = ("provider.semantic_similarity", "provider.history_semantic_similarity",
                     "facilitator.history_semantic_similarity")  # fmt: skip


@pytest.fixture(scope="module")
def semantic(catalogue: Catalogue) -> Matcher:
    return Matcher(ranker="learned", semantic=DEFAULT_ENCODER).fit(catalogue)


def _top10(matcher: Matcher, topic: str) -> dict[str, list[str]]:
    twins = {t["language"]: t for t in TWINS if t["topic"] == topic}
    needs = [matcher.resolve({k: v for k, v in twins[lang].items() if k in ("country", "title", "text")})
             for lang in LANGUAGES]  # fmt: skip
    ids, _ = matcher.recommend_ids(needs, k=10)
    return dict(zip(LANGUAGES, ids, strict=True))


def test_the_twin_fixture_holds_each_need_in_four_languages_with_one_planted_partner() -> None:
    for topic in TOPICS:
        twins = [t for t in TWINS if t["topic"] == topic]
        assert sorted(t["language"] for t in twins) == sorted(LANGUAGES)
        assert len({t["planted"] for t in twins}) == len({t["country"] for t in twins}) == 1


def _figures(matcher: Matcher) -> dict[str, tuple[int, list[int], list[int | None]]]:
    """Per topic: providers the four top 10s share, each language's overlap with the English top
    10, and the planted partner's rank in each language (None: not in the top 10)."""
    out = {}
    for topic in TOPICS:
        top10 = _top10(matcher, topic)
        planted = next(t["planted"] for t in TWINS if t["topic"] == topic)
        shared = len(set.intersection(*(set(ids) for ids in top10.values())))
        with_english = [len(set(top10["en"]) & set(top10[lang])) for lang in LANGUAGES[1:]]
        ranks = [top10[lang].index(planted) + 1 if planted in top10[lang] else None for lang in LANGUAGES]
        out[topic] = (shared, with_english, ranks)
    return out


@pytest.fixture(scope="module")
def figures(
    semantic: Matcher, learned: Matcher
) -> dict[str, dict[str, tuple[int, list[int], list[int | None]]]]:
    return {"with": _figures(semantic), "without": _figures(learned)}


def _top3(figures: dict[str, tuple[int, list[int], list[int | None]]]) -> int:
    return sum(r is not None and r <= 3 for _, _, ranks in figures.values() for r in ranks)


def test_the_planted_partner_stays_near_the_top_in_other_languages(figures: dict) -> None:
    """The cross-lingual check, as measured (fixtures/cross_lingual_needs.jsonl, 5 needs x 4
    languages). With text similarities as shares of the need's best, the planted partner is in the
    top 3 in 16 of the 20 needs, with or without semantic features (8 without and 13 with them when
    the features were raw cosines); it is always first or second in English, and the top 10s of a
    need in French, Spanish and Portuguese keep at least 6 of its English top 10."""
    for run in ("with", "without"):
        assert _top3(figures[run]) >= 16, figures[run]
        for _shared, with_english, ranks in figures[run].values():
            assert ranks[0] is not None and ranks[0] <= 2, figures[run]
            assert min(with_english) >= 6, figures[run]


@pytest.mark.xfail(
    strict=True, reason="issue 17's target is not reached yet, with or without semantic features"
)
def test_the_same_need_in_four_languages_ranks_the_same_providers(figures: dict) -> None:
    """Issue 17's target: every need's four versions share at least 7 of their top 10 providers
    and the planted partner ranks in the top 3 in each language."""
    for shared, _, ranks in figures["with"].values():
        assert shared >= 7 and all(r is not None and r <= 3 for r in ranks), figures["with"]


def test_every_explanation_adds_up_with_semantic_features_and_reads_like_its_number(
    semantic: Matcher,
) -> None:
    need = semantic.resolve({"country": "GNB", "text": TWINS[3]["text"]})  # Portuguese school feeding
    answer = semantic.recommend([need])[0]
    assert answer["semantic"] == {"encoder": DEFAULT_ENCODER, "available": True}
    worded = 0
    for s in answer["suggestions"]:
        assert sum(c["contribution"] for c in s["contributions"]) + s["prior"] == pytest.approx(
            s["score"], abs=1e-9
        )
        for c in s["contributions"]:
            if c["feature"] in SEMANTIC_FEATURES and c["contribution"] > 0:
                assert f"(similarity {c['value']:.2f})" in c["reason"] and "across languages" in c["reason"]
                worded += 1
    assert worded > 0


def test_past_partnerships_after_the_need_are_not_read(semantic: Matcher, catalogue: Catalogue) -> None:
    """A need dated before all of a provider's partnerships sees none of them (the feature is
    missing, 0); the same need undated sees them (the control)."""
    years = semantic.history_.years
    column = semantic.provider_features.names.index("history_semantic_similarity")
    rows = {pid: i for i, pid in enumerate(semantic.index_.provider_ids)}
    p = np.array([rows["BRA"]])
    first = np.nanmin(years[semantic.history_.providers[:, p[0]].toarray().ravel() > 0])
    raw = {"country": "GNB", "text": TWINS[0]["text"]}
    values = {}
    for as_of in (None, float(first)):
        need = semantic.resolve(raw, as_of=as_of)
        view = semantic.history_.view(need.as_of)
        similarity = semantic.similarity(semantic.text_.transform([need.document]), view)
        values[as_of] = semantic.provider_matrix(view, need, p, similarity)[0, column]
    assert values[None] > 0.3  # Brazil's school-feeding partnerships, read across languages
    assert values[float(first)] == 0.0  # the reference value: nothing visible before its first


def test_without_the_encoder_the_features_hold_their_reference_and_the_answer_says_so(
    semantic: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    need = semantic.resolve({"country": "GNB", "text": TWINS[1]["text"]})
    rows, scores = semantic.rank_providers(need)
    ranker = semantic.provider_ranker_
    view = semantic.history_.view(None)
    similarity = semantic.similarity(semantic.text_.transform([need.document]), view)
    _, contributions = ranker.contributions(semantic.provider_matrix(view, need, rows, similarity))
    columns = [j for j, n in enumerate(ranker.output_names()) if f"provider.{n}" in SEMANTIC_FEATURES]

    def unavailable(name: str) -> None:
        raise EncoderUnavailableError(f"encoder {name!r} failed to load: test")

    monkeypatch.setattr(semantic_encoder, "load_encoder", unavailable)
    semantic.drop_caches()
    try:
        answer = semantic.recommend([need])[0]
        fallback_rows, fallback_scores = semantic.rank_providers(need)
    finally:
        semantic.drop_caches()
    assert answer["semantic"]["available"] is False
    assert "failed to load: test" in answer["semantic"]["note"]
    assert "contribute 0" in answer["semantic"]["note"]
    for s in answer["suggestions"]:
        records = {c["feature"]: c for c in s["contributions"]}
        assert all(records[f]["contribution"] == 0.0 for f in SEMANTIC_FEATURES)
        assert sum(c["contribution"] for c in s["contributions"]) + s["prior"] == pytest.approx(
            s["score"], abs=1e-9
        )
    # each provider's score drops by exactly its semantic contributions, recomputed from the weights
    expected = dict(
        zip(rows.tolist(), (scores - contributions[:, columns].sum(axis=1)).tolist(), strict=True)
    )
    got = dict(zip(fallback_rows.tolist(), fallback_scores.tolist(), strict=True))
    assert got == pytest.approx(expected, abs=1e-9)
    assert contributions[:, columns].sum() > 0  # the control: with the encoder, they did count


def test_the_embeddings_are_saved_beside_the_model_read_only_and_checked(
    semantic: Matcher, tmp_path: Path
) -> None:
    need = semantic.resolve({"country": "AGO", "text": TWINS[6]["text"]})
    before = semantic.recommend([need])[0]
    path = tmp_path / "semantic.skops"
    card = save_matcher(semantic, path)
    file = arrays_folder(path) / SEMANTIC_FILE
    assert file.stat().st_mode & 0o777 == READ_ONLY
    assert np.load(file).dtype == np.float16
    loaded = load_matcher(path, card["sha256"])
    after = loaded.recommend([loaded.resolve({"country": "AGO", "text": TWINS[6]["text"]})])[0]
    assert [s["score"] for s in after["suggestions"]] == pytest.approx(
        [s["score"] for s in before["suggestions"]]
    )
    assert after["semantic"]["available"] is True
    file.chmod(0o644)
    vectors = np.load(file)
    vectors[0, 0] += 1
    np.save(file, vectors)
    with pytest.raises(ModelFileError, match=r"semantic_vectors.npy has checksum .* expected .*; refused"):
        load_matcher(path, card["sha256"])


def test_rankings_are_stable_across_repeated_requests(semantic: Matcher) -> None:
    """The need's embedding is kept for one request only: alternating needs get their own."""
    a, b = (semantic.resolve({"country": "GNB", "text": TWINS[i]["text"]}) for i in (0, 4))
    first = [semantic.rank_providers(n)[1].tolist() for n in (a, b)]
    again = [semantic.rank_providers(n)[1].tolist() for n in (b, a)][::-1]
    assert first == again and all(x != y for x, y in pairwise(first))
