"""The engine end to end on the fixture catalogue: sums, order, rules, diversity, languages."""

from __future__ import annotations

import json
import mmap
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from features.catalogue import Catalogue
from features.paths import fixtures_dir
from matching.matcher import Matcher
from matching.rankers import RANKERS

NEEDS = [json.loads(line) for line in (fixtures_dir() / "needs.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def answers(learned: Matcher) -> list[dict[str, Any]]:
    return learned.recommend([learned.resolve(need) for need in NEEDS])


def test_every_explanation_adds_up_to_the_score_that_ordered_the_list(answers: list[dict]) -> None:
    checked = 0
    for answer in answers:
        scores = [s["score"] for s in answer["suggestions"]]
        assert scores == sorted(scores, reverse=True)
        for s in answer["suggestions"]:
            total = s["prior"] + sum(c["contribution"] for c in s["contributions"])
            assert abs(total - s["score"]) <= 1e-9
            assert {"feature", "value", "contribution", "reason"} <= set(s["contributions"][0])
            checked += 1
    assert checked >= 10 * len(NEEDS) * 0.9


def test_eligibility_rules_are_never_violated(answers: list[dict], catalogue: Catalogue) -> None:
    countries = catalogue.country_by_iso3
    for need, answer in zip(NEEDS, answers, strict=True):
        beneficiary = countries[answer["need"]["country"]]
        groups = {beneficiary.region, beneficiary.sub_region, beneficiary.intermediate_region} - {""}
        for s in answer["suggestions"]:
            provider_country = s["provider"]["country"]
            assert provider_country != beneficiary.iso3
            assert not countries[provider_country].dac_member
            if s["facilitator"] is None:
                continue
            f = catalogue.facilitator_by_id[s["facilitator"]["id"]]
            assert not f.regions or set(f.regions) & groups
            assert not f.countries or beneficiary.iso3 in f.countries
            assert not f.income_groups or beneficiary.income_group in f.income_groups
            wanted = set(answer["need"]["modality"])
            assert not wanted or not f.modalities or wanted & {str(m) for m in f.modalities}
            budget = need.get("budget_usd")
            if budget is not None:
                assert f.funding_min_usd is None or budget >= f.funding_min_usd
                assert f.funding_max_usd is None or budget <= f.funding_max_usd


def test_no_provider_more_than_twice_in_the_top_ten(answers: list[dict]) -> None:
    for answer in answers:
        top = [s["provider"]["id"] for s in answer["suggestions"][:10]]
        assert max(top.count(p) for p in set(top)) <= 2


def test_reasons_are_plain_sentences_from_facts(answers: list[dict]) -> None:
    reasons = [r for a in answers for s in a["suggestions"] for r in s["reasons"]]
    assert reasons and all(isinstance(r, str) and r for r in reasons)
    assert any("partnership" in r for r in reasons)


def test_twin_needs_in_four_languages_get_the_same_tags(learned: Matcher) -> None:
    english = learned.resolve(
        {"country": "KEN", "text": "A school feeding programme buying from smallholder farmers."}
    )
    french = learned.resolve(
        {
            "country": "SEN",
            "text": "Un programme d'alimentation scolaire qui achète aux petits producteurs.",
        }
    )
    spanish = learned.resolve(
        {
            "country": "HND",
            "text": "Un programa de alimentación escolar que compra a pequeños productores.",
        }
    )
    portuguese = learned.resolve(
        {
            "country": "MOZ",
            "text": "Um programa de alimentação escolar com compras a pequenos produtores.",
        }
    )
    assert "112" in english.tagged["sector"]
    for twin in (french, spanish, portuguese):
        assert twin.tagged["sector"] == english.tagged["sector"]
        assert twin.tagged["sdg"] == english.tagged["sdg"]


def test_unknown_words_are_refused_with_the_closest_terms(learned: Matcher) -> None:
    from features.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match=r"^country: 'Atlantis' not found; closest: "):
        learned.resolve({"country": "Atlantis", "text": "water"})
    with pytest.raises(UnknownNameError, match=r"^sector\.1: 'zzqx' not found"):
        learned.resolve({"country": "MOZ", "text": "water", "sector": ["water supply", "zzqx"]})


def test_a_weak_need_abstains(learned: Matcher) -> None:
    answer = learned.recommend([learned.resolve({"country": "TUV", "text": "qqq zzz xxv"})])[0]
    assert answer["abstained"] is True
    assert answer["message"] == "no strong match — refer to the help desk"


@pytest.mark.parametrize("name", sorted(RANKERS))
def test_every_ranker_honours_the_contract(name: str, catalogue: Catalogue, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matching.persistence import load_matcher, save_matcher

    matcher = Matcher(ranker=name).fit(catalogue)
    needs = [matcher.resolve(n) for n in NEEDS[:3]]
    ids, scores = matcher.recommend_ids(needs, k=5)
    assert [len(i) for i in ids] == [5, 5, 5]
    for s in scores:
        assert np.all(np.diff(s) <= 0)
    card = save_matcher(matcher, tmp_path / "model.skops")
    loaded = load_matcher(tmp_path / "model.skops", card["sha256"])
    if name != "random":
        assert loaded.recommend_ids(needs, k=5)[0] == ids
    answer = loaded.recommend(needs[:1])[0]
    for s in answer["suggestions"]:
        assert abs(s["prior"] + sum(c["contribution"] for c in s["contributions"]) - s["score"]) <= 1e-9


def test_a_tampered_model_is_refused(learned: Matcher, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matching.persistence import ModelFileError, load_matcher, save_matcher

    path = tmp_path / "model.skops"
    card = save_matcher(learned, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"checksum .* expected .*; refused"):
        load_matcher(path, card["sha256"])


def test_a_model_of_an_older_layout_is_refused_with_a_way_out(catalogue: Catalogue, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matching.persistence import ModelFileError, load_matcher, save_matcher

    old = Matcher(ranker="prior").fit(catalogue)
    old.format_ = 1  # as written before the text vectors were hashed
    card = save_matcher(old, tmp_path / "old.skops")
    with pytest.raises(
        ModelFileError, match=r"old.skops has layout 1, .* reads layout 3; train a new version"
    ):
        load_matcher(tmp_path / "old.skops", card["sha256"])


def _maps_a_file(array: np.ndarray) -> bool:
    base = array
    while base is not None and not isinstance(base, mmap.mmap):
        base = getattr(base, "base", None)
    return base is not None


def test_posting_lists_beside_the_model_are_memory_mapped_and_checked(catalogue: Catalogue, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matching.persistence import ModelFileError, arrays_folder, load_matcher, save_matcher

    matcher = Matcher(ranker="prior").fit(catalogue)
    path = tmp_path / "model.skops"
    card = save_matcher(matcher, path)
    assert matcher.index_.provider_postings.nnz > 0  # the caller's matcher keeps its postings
    loaded = load_matcher(path, card["sha256"])
    postings = loaded.index_.provider_postings
    for part in (postings.data, postings.indices, postings.indptr):  # views of the file, not copies
        assert not part.flags.writeable and _maps_a_file(part)
    assert (postings != matcher.index_.provider_postings).nnz == 0
    indices = arrays_folder(path) / "provider_postings.indices.npy"
    data = bytearray(indices.read_bytes())
    data[-1] ^= 0x01
    indices.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"provider_postings.indices.npy has checksum .*; refused"):
        load_matcher(path, card["sha256"])
    indices.unlink()
    with pytest.raises(ModelFileError, match=r"provider_postings.indices.npy is missing beside it"):
        load_matcher(path, card["sha256"])


@pytest.mark.parametrize("ranker", ["prior", "learned"])
def test_the_planted_partner_ranks_first(catalogue: Catalogue, ranker: str) -> None:
    """A provider whose profile is the need, word for word, in its sectors, language and region."""
    text = "Mangrove restoration with community beekeeping cooperatives along eroding coastlines."
    planted = catalogue.provider_by_id["VNM"].model_copy(
        update={"description": text, "sectors": ["410", "312"], "sdgs": [13, 14, 15],
                "languages": ["pt", "vi"], "regions": ["Sub-Saharan Africa"]}
    )  # fmt: skip
    providers = [planted if p.id == "VNM" else p for p in catalogue.providers]
    matcher = Matcher(ranker=ranker).fit(replace(catalogue, providers=providers))
    need = matcher.resolve({"country": "MOZ", "text": text, "sector": ["mangroves"], "sdg": [14]})
    ids, _ = matcher.recommend_ids([need], k=3)
    assert ids[0][0] == "VNM"
