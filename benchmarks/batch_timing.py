"""The batch path: seconds for N needs one by one, as partitions in this process, and as
partitions in two forked worker processes (`sstc recommend --input FILE --workers 2`)."""

from __future__ import annotations

import time
from typing import Any

from features.needs import ResolvedNeed
from matching.batch import answer_in_processes
from matching.matcher import Matcher


def _lines(needs: list[ResolvedNeed]) -> list[dict[str, Any]]:
    return [{"country": n.country, "text": n.text, "sdg": n.sdgs, "sector": n.sectors, "language": ["en"]}
            for n in needs]  # fmt: skip


def time_batch(matcher: Matcher, needs: list[ResolvedNeed], one_by_one: bool) -> dict[str, float]:
    """Seconds for the batch, each way; one by one only when asked (it is the slowest)."""
    lines = _lines(needs)
    out: dict[str, float] = {}
    if one_by_one:
        start = time.perf_counter()
        for need in needs:
            matcher.recommend([need])
        out["one_by_one"] = time.perf_counter() - start
    for workers in (1, 2):
        start = time.perf_counter()
        answers = sum(1 for _ in answer_in_processes(matcher, lines, workers))
        out[f"workers_{workers}"] = time.perf_counter() - start
        assert answers == len(lines)
    return out
