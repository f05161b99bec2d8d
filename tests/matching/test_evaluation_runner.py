"""The evaluation protocols: source-shift splits, popularity baselines, the facilitator leg alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from features.catalogue import Catalogue
from matching.baselines import (
    PopularityBaselines,
    popular_facilitators,
    popular_pairs,
    popular_providers,
    provider_countries,
)

# partnership_need through the runner: the need the evaluation itself builds for a partnership
from matching.evaluation_runner import evaluate_queries, partnership_need, summarise
from matching.matcher import Matcher
from matching.splits import source_shift_splits
from models.history import PartnershipBase, PartnershipRecord


def record(
    pid: str, providers: list[str], facilitators: list[str], beneficiary: str = "MOZ"
) -> PartnershipRecord:
    partnership = PartnershipBase(id=pid, title=pid, beneficiaries=[beneficiary])
    return PartnershipRecord(partnership, providers, facilitators)


COUNTRY = {"bra": "BRA", "bra-embrapa": "BRA", "ind": "IND", "chn": "CHN"}


def test_source_shift_trains_on_one_group_and_tests_on_the_other(catalogue: Catalogue) -> None:
    sliced = replace(catalogue, partnerships=catalogue.partnerships[70:110])
    undp = [i for i, r in enumerate(sliced.partnerships) if r.partnership.source_name.startswith("UNDP")]
    assert 0 < len(undp) < len(sliced.partnerships)  # the slice holds both groups
    splits = list(source_shift_splits(sliced))
    assert len(splits) == 2
    (train_1, test_1), (train_2, test_2) = splits
    assert train_1 == undp
    assert not set(train_1) & set(test_1)
    assert sorted(train_1 + test_1) == list(range(len(sliced.partnerships)))
    assert (train_2, test_2) == (test_1, train_1)


def test_an_overlapping_split_is_refused_by_name(catalogue: Catalogue) -> None:
    ids = [r.partnership.id for r in catalogue.partnerships]
    with pytest.raises(ValueError, match=f"overlap on partnerships {ids[3]}, {ids[4]}"):
        evaluate_queries(catalogue, [([0, 1, 3, 4], [3, 4, 5])], ("popular-providers",))


def test_popularity_orders_by_hand() -> None:
    records = [
        record("p1", ["bra"], ["F1"]),
        record("p2", ["bra-embrapa", "bra"], ["F1"], beneficiary="AGO"),
        record("p3", ["ind"], ["F3"]),
        record("p4", ["chn"], ["F2"], beneficiary="CHN"),  # a country never provides to itself
    ]
    # F1 twice; F2, F3 once (tie by id); F0 never
    assert popular_facilitators(records, ["F0", "F1", "F2", "F3"]) == ["F1", "F2", "F3", "F0"]
    # BRA counts once per partnership (p2 names it twice); CHN only in its own partnership
    assert popular_providers(records, COUNTRY, ["CHN", "ZAF"]) == ["BRA", "IND", "CHN", "ZAF"]
    assert popular_pairs(records, COUNTRY) == [("BRA", "F1"), ("IND", "F3")]


def test_baselines_see_only_the_training_split(catalogue: Catalogue) -> None:
    """Test partnerships all facilitated by the rarest facilitator: the baseline does not move.

    Control: the same change in the training split puts it first.
    """
    n = len(catalogue.partnerships)
    train, test = list(range(n // 2)), list(range(n // 2, n))
    before = PopularityBaselines.fit(replace(catalogue, partnerships=catalogue.partnerships[: n // 2]))
    rarest = before.facilitators[-1]

    def flooded(indices: list[int]) -> Catalogue:
        changed = [
            replace(r, facilitator_ids=[rarest]) if i in indices and r.facilitator_ids else r
            for i, r in enumerate(catalogue.partnerships)
        ]
        return replace(catalogue, partnerships=changed)

    rankers = ("popular-facilitators", "popular-pairs", "popular-providers")

    def shown(changed: Catalogue) -> dict[tuple[str, str, str], list[object]]:
        rows = evaluate_queries(changed, [(train, test)], rankers)
        return {(r["partnership"], r["ranker"], r["target"]): r["top10"] for r in rows}

    original = shown(catalogue)
    assert shown(flooded(test)) == original
    control = shown(flooded(train))
    assert control != original
    assert {v[0] for k, v in control.items() if k[1] == "popular-facilitators"} == {rarest}
    assert {tuple(v) for k, v in original.items() if k[1] == "popular-facilitators"} == {
        tuple(before.facilitators[:10])
    }


@pytest.fixture(scope="module")
def split_and_matcher(catalogue: Catalogue) -> tuple[list[int], list[int], Matcher]:
    train, test = next(iter(source_shift_splits(catalogue)))
    train_catalogue = replace(catalogue, partnerships=[catalogue.partnerships[i] for i in train])
    return train, test, Matcher(ranker="prior").fit(train_catalogue)


def test_facilitator_alone_scores_the_position_in_rank_facilitators(
    catalogue: Catalogue, split_and_matcher: tuple[list[int], list[int], Matcher]
) -> None:
    train, test, matcher = split_and_matcher
    index = matcher.index_
    country = {p.id: p.country for p in catalogue.providers}
    i = next(
        i
        for i in test
        if catalogue.partnerships[i].facilitator_ids
        and provider_countries(catalogue.partnerships[i], country)
    )
    original = catalogue.partnerships[i]
    need = partnership_need(original, matcher.country_languages_)
    assert need is not None
    provider_row = list(index.provider_ids).index(original.provider_ids[0])
    rows, _ = matcher.rank_facilitators(need, provider_row)
    planted = index.facilitator_ids[rows[3]]  # the true facilitator is planted fourth
    changed = list(catalogue.partnerships)
    changed[i] = replace(original, facilitator_ids=[planted])
    results = evaluate_queries(replace(catalogue, partnerships=changed), [(train, [i])], ("prior",))
    alone = next(r for r in results if r["target"] == "facilitator-alone")
    assert alone["mrr"] == pytest.approx(1 / 4)
    assert (alone["hit@1"], alone["hit@10"]) == (0.0, 1.0)
    assert alone["top10"] == [index.facilitator_ids[r] for r in rows[:10]]


def test_diversity_rows_count_the_facilitators_of_the_top_ten_triads(
    catalogue: Catalogue, split_and_matcher: tuple[list[int], list[int], Matcher]
) -> None:
    train, test, matcher = split_and_matcher
    rows = evaluate_queries(catalogue, [(train, test[:5])], ("prior", "popular-pairs"))
    for row in (r for r in rows if r["target"] == "diversity" and r["ranker"] == "prior"):
        need = partnership_need(
            next(r for r in catalogue.partnerships if r.partnership.id == row["partnership"]),
            matcher.country_languages_,
        )
        assert need is not None
        shown = matcher.recommend([need], k=50)[0]["suggestions"][:10]
        facilitators = [s["facilitator"]["id"] for s in shown]
        top = max(facilitators.count(f) for f in facilitators)
        assert row["distinct_facilitators@10"] == len(set(facilitators))
        assert row["top_facilitator_share@10"] == pytest.approx(top / len(facilitators))
    summary = summarise(rows, ("prior", "popular-pairs"))
    diversity = [r for r in summary if r["target"] == "diversity" and r["subset"] == "all"]
    assert [r["ranker"] for r in diversity] == ["prior", "popular-pairs"]
    assert all(r["hit@1"] is None and 1 <= r["distinct_facilitators@10"] <= 10 for r in diversity)
    assert {r["target"] for r in summary if r["ranker"] == "popular-pairs"} == {"triad", "diversity"}
