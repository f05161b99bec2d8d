"""The batch path: many needs answered partition by partition, so that an existing engine can run it.

A partition is self-contained: a model file (checked against its SHA-256) and plain need
dicts in, JSON answers out, nothing shared between partitions. Within a partition the needs are
retrieved together (one sparse product per block of needs, `matching.partition_retrieval`) and
ranked one by one. `answer_partition` is what a Dask bag maps over, on one machine or a cluster
that can read the model file:

    import dask.bag as db
    answers = db.from_sequence(needs, partition_size=500).map_partitions(
        answer_partition, str(model_path), sha256
    ).compute()

`answer_needs` runs the same partitions here, one after another; `answer_with` answers with a
matcher already loaded (the CLI's), and `answer_in_processes` spreads its partitions over worker
processes of this machine that share that matcher's memory.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from features.errors import SSTCError
from features.needs import ResolvedNeed
from matching.answers import Explain
from matching.matcher import Matcher
from matching.persistence import load_matcher

PARTITION = 64  # needs retrieved together when the caller does not choose

NeedLine = dict[str, Any] | SSTCError


@lru_cache(maxsize=2)
def _matcher(model_path: str, sha256: str) -> Matcher:
    """One load per worker process and model, however many partitions it answers."""
    return load_matcher(Path(model_path), sha256)


def answer_partition(needs: Iterable[dict[str, Any]], model_path: str, sha256: str) -> list[dict[str, Any]]:
    """One answer per need, in order, with the model of this worker."""
    return answer_lines(_matcher(model_path, sha256), list(needs))


def answer_lines(matcher: Matcher, needs: list[NeedLine], explain: Explain = "full") -> list[dict[str, Any]]:
    """One answer per need of one partition, in order. A need that cannot be resolved gets
    `{"error": why}` in its place, so one bad row does not cost the rest of the batch; so does an
    input row that could not be read, passed in as its error."""
    answers: list[dict[str, Any] | None] = [None] * len(needs)
    resolved: list[tuple[int, ResolvedNeed]] = []
    for i, need in enumerate(needs):
        try:
            if isinstance(need, SSTCError):
                raise need
            resolved.append((i, matcher.resolve(need)))
        except SSTCError as exc:
            answers[i] = {"error": str(exc)}
    found = matcher.recommend([need for _, need in resolved], explain=explain)
    for (i, _), answer in zip(resolved, found, strict=True):
        answers[i] = answer
    return [a for a in answers if a is not None]


def answer_with(
    matcher: Matcher, needs: Iterable[NeedLine], partition_size: int = PARTITION
) -> Iterator[dict[str, Any]]:
    """One answer per need, in order, a partition at a time."""
    for chunk in partitions(needs, partition_size):
        yield from answer_lines(matcher, chunk)


def partitions(needs: Iterable[Any], size: int) -> Iterator[list[Any]]:
    if size < 1:
        raise ValueError(f"partition size must be at least 1, not {size}")
    iterator = iter(needs)
    while chunk := list(islice(iterator, size)):
        yield chunk


def answer_needs(
    needs: Iterable[dict[str, Any]], model_path: Path, sha256: str, partition_size: int = 500
) -> Iterator[dict[str, Any]]:
    """The batch path in this process: the same partitions Dask would map, answered in turn."""
    for chunk in partitions(needs, partition_size):
        yield from answer_partition(chunk, str(model_path), sha256)


_FORKED: Matcher | None = None  # the matcher worker processes inherit from their parent


def _answer_forked(chunk: list[NeedLine]) -> list[dict[str, Any]]:
    assert _FORKED is not None, "answered outside answer_in_processes"
    return answer_lines(_FORKED, chunk)


def answer_in_processes(
    matcher: Matcher, needs: Iterable[NeedLine], workers: int, partition_size: int = PARTITION
) -> Iterator[dict[str, Any]]:
    """Partitions answered by `workers` forked processes, yielded in order as they are ready.
    Forking shares the loaded model's pages with the workers: nothing is loaded or copied again."""
    global _FORKED
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from answer_with(matcher, needs, partition_size)
        return
    _FORKED = matcher
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for answers in pool.map(_answer_forked, partitions(needs, partition_size)):
                yield from answers
    finally:
        _FORKED = None
