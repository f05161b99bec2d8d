"""The batch path: many needs answered partition by partition, so that an existing engine can run it.

A partition is self-contained: a model file (checked against its SHA-256) and plain need
dicts in, JSON answers out, nothing shared between partitions. `answer_partition` is what a
Dask bag maps over, on one machine or a cluster that can read the model file:

    import dask.bag as db
    answers = db.from_sequence(needs, partition_size=500).map_partitions(
        answer_partition, str(model_path), sha256
    ).compute()

and `answer_needs` runs the same partitions here, one after another. `answer_with` answers with a
matcher already loaded (the CLI's), by the same per-need rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from features.errors import SSTCError
from matching.matcher import Matcher
from matching.persistence import load_matcher


@lru_cache(maxsize=2)
def _matcher(model_path: str, sha256: str) -> Matcher:
    """One load per worker process and model, however many partitions it answers."""
    return load_matcher(Path(model_path), sha256)


def answer_partition(needs: Iterable[dict[str, Any]], model_path: str, sha256: str) -> list[dict[str, Any]]:
    """One answer per need, in order, with the model of this worker."""
    return list(answer_with(_matcher(model_path, sha256), needs))


def answer_with(matcher: Matcher, needs: Iterable[dict[str, Any] | SSTCError]) -> Iterator[dict[str, Any]]:
    """One answer per need, in order. A need that cannot be resolved gets `{"error": why}` in its
    place, so one bad row does not cost the rest of the batch; so does an input row that could not
    be read, passed in as its error."""
    for need in needs:
        try:
            if isinstance(need, SSTCError):
                raise need
            yield matcher.recommend([matcher.resolve(need)])[0]
        except SSTCError as exc:
            yield {"error": str(exc)}


def partitions(needs: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
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
