"""The batch path gives the same answers in this process and mapped over partitions by Dask."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import dask.bag as db
import pytest

from features.catalogue import Catalogue
from features.errors import SSTCError
from features.paths import fixtures_dir
from matching.batch import answer_in_processes, answer_needs, answer_partition, answer_with, partitions
from matching.matcher import Matcher
from matching.partition_retrieval import BLOCK
from matching.persistence import load_matcher, save_matcher


@pytest.fixture(scope="module")
def saved_model(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("batch") / "prior.skops"
    card = save_matcher(Matcher(ranker="prior").fit(catalogue), path)
    return path, card["sha256"]


def _needs() -> list[dict[str, object]]:
    lines = (fixtures_dir() / "needs.jsonl").read_text(encoding="utf-8").splitlines()[:5]
    needs = [json.loads(line) for line in lines]
    return [*needs[:2], {"country": "Atlantis", "text": "Sea walls."}, *needs[2:]]


def test_dask_partitions_in_other_processes_answer_as_this_process_does(
    saved_model: tuple[Path, str],
) -> None:
    path, sha = saved_model
    needs = _needs()
    here = list(answer_needs(needs, path, sha, partition_size=2))
    bag = db.from_sequence(needs, partition_size=2).map_partitions(answer_partition, str(path), sha)
    there = bag.compute(scheduler="processes", num_workers=2)
    assert there == here
    assert len(here) == 6
    assert "Atlantis" in here[2]["error"] and set(here[2]) == {"error"}  # the bad row, in its place
    matcher = load_matcher(path, sha)
    assert here[0] == matcher.recommend([matcher.resolve(needs[0])])[0]
    assert all(len(a["suggestions"]) == 10 for i, a in enumerate(here) if i != 2)


def test_partitions_keep_order_and_refuse_a_size_below_one() -> None:
    assert [len(p) for p in partitions(range(7), 3)] == [3, 3, 1]
    assert [x for p in partitions(range(7), 3) for x in p] == list(range(7))
    with pytest.raises(ValueError, match="partition size must be at least 1, not 0"):
        list(partitions(range(3), 0))


def test_a_loaded_matcher_answers_as_the_partitions_do_and_keeps_a_read_error_in_place(
    saved_model: tuple[Path, str],
) -> None:
    path, sha = saved_model
    needs = _needs()
    unreadable = SSTCError("not valid JSON (Expecting value, column 1)")
    answers = list(answer_with(load_matcher(path, sha), [*needs[:2], unreadable, *needs[2:]]))
    assert answers[:2] + answers[3:] == list(answer_needs(needs, path, sha, partition_size=4))
    assert answers[2] == {"error": "not valid JSON (Expecting value, column 1)"}
    assert "Atlantis" in answers[3]["error"]


def test_needs_retrieved_together_get_the_answers_they_get_one_by_one(learned: Matcher) -> None:
    lines = (fixtures_dir() / "needs.jsonl").read_text(encoding="utf-8").splitlines()
    needs = [learned.resolve(json.loads(line)) for line in lines]
    needs += [replace(needs[0], as_of=2012.0), replace(needs[1], as_of=2012.0)]  # another history view
    one_by_one = [learned.recommend([need])[0] for need in needs]
    assert learned.recommend(needs) == one_by_one
    assert len(needs) > BLOCK  # more than one block of the sparse product
    forked = list(answer_in_processes(learned, [json.loads(line) for line in lines], 2, partition_size=7))
    assert forked == one_by_one[: len(lines)]
