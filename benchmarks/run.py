"""`make bench`: speed and memory of the engine at 1k, 10k and 100k providers (500 facilitators).

Prints tables and writes benchmarks/results.json. Every figure is measured in this run, the naive
baseline and the bare anchor included, so the ratios compare like with like on this machine. Not
a test: nothing here fails on a slow figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from threadpoolctl import threadpool_limits

from benchmarks.batch_timing import time_batch
from benchmarks.engine_timing import Naive, needs_for, percentile, time_anchor, time_recommend
from benchmarks.http_load import http_benchmark
from benchmarks.memory import rss_of_serving_process
from benchmarks.synthetic import synthetic_catalogue
from features.catalogue import Catalogue
from features.provider_features import PROVIDER_FEATURES
from matching.matcher import Matcher
from matching.persistence import save_matcher
from matching.rankers import LearnedRanker
from matching.training_examples import training_rows

HERE = Path(__file__).parent
console = Console(width=160)
# The targets (issues 7 and 16), by results key: (comparison, value).
TARGETS: dict[str, tuple[str, float]] = {
    "p50_ms_10k": ("<=", 5),
    "p95_ms_10k": ("<=", 10),
    "p50_ms_100k": ("<=", 12),
    "anchor_ratio_10k": ("<=", 3),
    "naive_ratio_10k": (">=", 50),
    "batch_1000_s_100k": ("<=", 3),
    "batch_10000_s_100k": ("<=", 25),
    "train_s_100k": ("<=", 30),
    "rss_mb_100k": ("<=", 500),
    "http_rps_10k": (">=", 400),
    "http_p95_ms_10k": ("<=", 50),
    "http_c64_p99_ms_10k": ("<=", 250),
    "http_errors": ("<=", 0),
}


def engine_row(
    catalogue: Catalogue, label: str, args: argparse.Namespace, results: dict[str, Any]
) -> Matcher:
    """Fit, time one need at a time (and the anchor, and the naive loop up to 10k), train, and
    measure the saved model's size and a serving process's memory."""
    start = time.perf_counter()
    matcher = Matcher().fit(catalogue)
    results[f"fit_s_{label}"] = time.perf_counter() - start
    needs = needs_for(catalogue, args.needs)
    latencies, anchor = time_recommend(matcher, needs), time_anchor(matcher, needs)
    results[f"p50_ms_{label}"], results[f"p95_ms_{label}"] = (
        percentile(latencies, 50),
        percentile(latencies, 95),
    )
    results[f"anchor_p50_ms_{label}"] = percentile(anchor, 50)
    results[f"anchor_ratio_{label}"] = results[f"p50_ms_{label}"] / results[f"anchor_p50_ms_{label}"]
    if len(catalogue.providers) <= 10_000:
        naive = Naive(catalogue)
        naive_ms = []
        for need in needs[:3]:
            start = time.perf_counter()
            naive.recommend(need)
            naive_ms.append((time.perf_counter() - start) * 1000)
        results[f"naive_p50_ms_{label}"] = statistics.median(naive_ms)
        results[f"naive_ratio_{label}"] = statistics.median(naive_ms) / results[f"p50_ms_{label}"]
    # training the learned ranker alone on labelled pairs made from this catalogue's history
    rows = training_rows(matcher, catalogue.partnerships, [])
    X, y = rows.provider_X, rows.provider_y
    reps = max(1, 100_000 // max(len(y), 1) + 1)
    X, y = np.vstack([X] * reps)[:100_000], np.concatenate([y] * reps)[:100_000]
    start = time.perf_counter()
    LearnedRanker().fit(X, y, PROVIDER_FEATURES)
    results[f"train_s_{label}"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        card = save_matcher(matcher, Path(folder) / "bench.skops")
        needs_file = Path(folder) / "needs.json"
        needs_file.write_text(json.dumps([n.__dict__ for n in needs[:50]]))
        results[f"rss_mb_{label}"] = rss_of_serving_process(
            Path(folder) / "bench.skops", card["sha256"], needs_file
        )
        files = [f for f in Path(folder).rglob("*") if f.is_file() and f.name != "needs.json"]
        results[f"model_mb_{label}"] = sum(f.stat().st_size for f in files) / 1e6  # with arrays
    return matcher


def http_rows(catalogue: Catalogue, label: str, requests: int, results: dict[str, Any]) -> Table:
    runs = http_benchmark(catalogue, needs_for(catalogue, 200), requests)
    table = Table(
        title=f"HTTP /api/v1/match at {label} (sstc serve --workers 2, aiohttp client on the same cores)"
    )
    for column in ("connections, explain", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"):
        table.add_column(column, justify="right")
    for name, run in runs.items():
        figures = [f"{run['rps']:.0f}", *(f"{run[m]:.1f}" for m in ("p50", "p95", "p99"))]
        table.add_row(name, str(run["requests"]), *figures, f"{run['errors']} {run['error_kinds'] or ''}")
        prefix = "http" if name == "c16_full" else f"http_{name.removesuffix('_full')}"
        for measure in ("rps", "p50", "p95", "p99"):
            results[f"{prefix}_{measure}{'' if measure == 'rps' else '_ms'}_{label}"] = run[measure]
    results["http_errors"] = sum(run["errors"] for run in runs.values())
    return table


def batch_rows(matcher: Matcher, catalogue: Catalogue, label: str, sizes: list[int], results: dict) -> Table:
    table = Table(title=f"batch at {label}: seconds (partitions of 64 needs)")
    for column in ("needs", "one by one", "partitions, 1 process", "partitions, 2 processes", "speed-up"):
        table.add_column(column, justify="right")
    for size in sizes:
        timing = time_batch(matcher, needs_for(catalogue, size, seed=2), one_by_one=size <= 1000)
        results[f"batch_{size}_s_{label}"] = timing["workers_2"]
        results[f"batch_{size}_one_process_s_{label}"] = timing["workers_1"]
        base = timing.get("one_by_one")
        if base is not None:
            results[f"batch_{size}_one_by_one_s_{label}"] = base
        two = timing["workers_2"]
        speed_up = "—" if base is None else f"{base / two:.1f}×"
        table.add_row(
            str(size),
            "—" if base is None else f"{base:.1f}",
            f"{timing['workers_1']:.1f}",
            f"{two:.1f}",
            speed_up,
        )
    return table


def target_table(results: dict[str, Any], previous: dict[str, Any]) -> Table:
    """This run against the targets and against the run stored in the output file before it."""
    table = Table(title="against the targets and the previous run")
    for column in ("measure", "target", "previous run", "this run", "this / previous", "met"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for key, (comparison, target) in TARGETS.items():
        if key not in results:
            continue
        now, before = results[key], previous.get(key)
        met = now <= target if comparison == "<=" else now >= target
        ratio = f"{now / before:.2f}" if before else "—"
        table.add_row(key, f"{comparison} {target:g}", "—" if before is None else f"{before:g}", f"{now:.3g}",
                      ratio, "yes" if met else "no")  # fmt: skip
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="provider counts, comma-separated")
    parser.add_argument("--needs", type=int, default=200, help="needs timed one by one per size")
    parser.add_argument("--batch", default="1000,10000", help="needs in each batch run, comma-separated")
    parser.add_argument("--batch-at", type=int, default=100_000, help="catalogue size of the batch runs")
    parser.add_argument(
        "--http-requests", type=int, default=3000, help="requests per HTTP load run (0: skip)"
    )
    parser.add_argument("--http-at", type=int, default=10_000, help="catalogue size of the HTTP runs")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    threadpool_limits(1)  # as in a server worker
    results: dict[str, Any] = {}
    engine = Table(title="sstc-match engine, in process (this machine, one BLAS thread)")
    for column in ("providers", "fit s", "p50 ms", "p95 ms", "anchor p50 ms", "× anchor", "naive p50 ms",
                   "speed-up", "train 100k pairs s", "serving RSS MB", "model MB"):  # fmt: skip
        engine.add_column(column, justify="right")
    tables = []
    for size in [int(s) for s in args.sizes.split(",")]:
        label = f"{size // 1000}k"
        catalogue = synthetic_catalogue(size, facilitators=500, partnerships=1000, seed=0)
        matcher = engine_row(catalogue, label, args, results)
        naive = f"naive_p50_ms_{label}" in results
        timed = [f"{results[f'{m}_{label}']:.1f}" for m in ("fit_s", "p50_ms", "p95_ms", "anchor_p50_ms")]
        naive_cells = [
            f"{results[f'naive_p50_ms_{label}']:.0f}" if naive else "—",
            f"{results[f'naive_ratio_{label}']:.0f}×" if naive else "—",
        ]
        sizes = [f"{results[f'{m}_{label}']:.1f}" for m in ("train_s", "rss_mb", "model_mb")]
        engine.add_row(label, *timed, f"{results[f'anchor_ratio_{label}']:.1f}×", *naive_cells, *sizes)
        if size == args.batch_at and args.batch:
            tables.append(
                batch_rows(matcher, catalogue, label, [int(s) for s in args.batch.split(",")], results)
            )
        if size == args.http_at and args.http_requests:
            tables.append(http_rows(catalogue, label, args.http_requests, results))
        console.print(f"{label} done", highlight=False)
    for table in (engine, *tables):
        console.print(table)
    previous = json.loads(args.output.read_text()) if args.output.exists() else {}
    console.print(target_table(results, previous))
    args.output.write_text(json.dumps({k: round(v, 3) for k, v in results.items()}, indent=2) + "\n")
    console.print(f"wrote {args.output}", highlight=False)


if __name__ == "__main__":
    main()
