"""`explain=full|top|none`: a lighter answer that keeps the ranking and the sum rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from features.paths import fixtures_dir
from matching.explanations import OTHER_FEATURE, TOP_RECORDS, Explainer
from matching.matcher import Matcher
from matching.records import Contribution

NEEDS = [json.loads(line) for line in (fixtures_dir() / "needs.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def modes(learned: Matcher) -> dict[str, list[dict[str, Any]]]:
    needs = [learned.resolve(need) for need in NEEDS]
    return {mode: learned.recommend(needs, explain=mode) for mode in ("full", "top", "none")}  # type: ignore[arg-type]


def _ranked(answer: dict[str, Any]) -> list[tuple[str, str | None, float]]:
    return [
        (s["provider"]["id"], (s["facilitator"] or {}).get("id"), s["score"]) for s in answer["suggestions"]
    ]


def test_every_mode_ranks_the_same_triads_with_the_same_scores(modes: dict[str, list[dict]]) -> None:
    for full, top, none in zip(modes["full"], modes["top"], modes["none"], strict=True):
        assert _ranked(top) == _ranked(full) == _ranked(none)
        assert [s["match_strength"] for s in none["suggestions"]] == [
            s["match_strength"] for s in full["suggestions"]
        ]


def test_top_keeps_the_largest_records_and_one_summing_the_rest(modes: dict[str, list[dict]]) -> None:
    checked = 0
    for full, top in zip(modes["full"], modes["top"], strict=True):
        for whole, light in zip(full["suggestions"], top["suggestions"], strict=True):
            records, kept = whole["contributions"], light["contributions"]
            assert len(kept) == TOP_RECORDS + 1 and kept[-1]["feature"] == OTHER_FEATURE
            largest = sorted(records, key=lambda r: -abs(r["contribution"]))[:TOP_RECORDS]
            assert [r["feature"] for r in kept[:-1]] == [r["feature"] for r in records if r in largest]
            rest = [r["contribution"] for r in records if r not in largest]
            assert kept[-1]["value"] == len(rest)
            assert kept[-1]["label"] == f"{len(rest)} other features together"
            assert abs(kept[-1]["contribution"] - sum(rest)) <= 1e-12
            assert abs(light["prior"] + sum(r["contribution"] for r in kept) - light["score"]) <= 1e-9
            assert light["reasons"] == whole["reasons"]
            for alternative in light["alternatives"]:
                total = alternative["base"] + sum(r["contribution"] for r in alternative["contributions"])
                assert abs(total - alternative["score"]) <= 1e-9
            checked += 1
    assert checked >= 10 * len(NEEDS) * 0.9


def test_none_carries_no_explanation(modes: dict[str, list[dict]]) -> None:
    for answer in modes["none"]:
        for s in answer["suggestions"]:
            assert s["contributions"] == [] and s["reasons"] == [] and s["alternatives"] == []


def test_the_other_record_is_worded_by_the_sign_of_its_sum() -> None:
    values = [3, -2, 1, 0.5, 0.4, -0.1, -0.2, 0.05]
    records = [Contribution(f"f{i}", "g", 1.0, c, "", "none", "") for i, c in enumerate(values)]
    light = Explainer.top_records(records)
    assert [r.feature for r in light] == ["f0", "f1", "f2", "f3", "f4", OTHER_FEATURE]
    assert light[-1].effect == "lowers" and light[-1].contribution == pytest.approx(-0.25)
    short = records[: TOP_RECORDS + 1]
    assert Explainer.top_records(short) == short  # one more record than kept: nothing to sum
