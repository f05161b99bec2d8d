"""`make bench`: speed and memory of the engine at 1k, 10k and 100k providers (500 facilitators).

Prints a table and writes benchmarks/results.json. Every figure is measured in this run, the naive
baseline included, so the ratios compare like with like on this machine. Not a test: nothing here
fails on a slow figure.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import numpy as np
from rich.console import Console
from rich.table import Table
from threadpoolctl import threadpool_limits

from benchmarks.synthetic import synthetic_catalogue
from features.catalogue import Catalogue
from features.needs import ResolvedNeed
from features.provider_features import PROVIDER_FEATURES
from features.text import words
from matching.matcher import Matcher
from matching.rankers import LearnedRanker
from matching.training_examples import training_rows

HERE = Path(__file__).parent
console = Console(width=150)
# The targets of issue 7, by results key: (comparison, value).
TARGETS: dict[str, tuple[str, float]] = {
    "p50_ms_10k": ("<=", 5),
    "p95_ms_10k": ("<=", 10),
    "p50_ms_100k": ("<=", 12),
    "naive_ratio_10k": (">=", 50),
    "batch_1000_s_100k": ("<=", 10),
    "train_s_100k": ("<=", 30),
    "rss_mb_100k": ("<=", 500),
    "http_rps_10k": (">=", 400),
    "http_p95_ms_10k": ("<=", 50),
    "http_errors": ("<=", 0),
}


def needs_for(catalogue: Catalogue, n: int, seed: int = 1) -> list[ResolvedNeed]:
    """Needs written like the partnerships' descriptions, for countries of the catalogue."""
    rng = np.random.default_rng(seed)
    records = [catalogue.partnerships[int(i)] for i in rng.integers(0, len(catalogue.partnerships), size=n)]
    return [
        ResolvedNeed(country=r.partnership.beneficiaries[0], text=r.partnership.description,
                     sdgs=list(r.partnership.sdgs), sectors=list(r.partnership.sectors), languages=["en"])
        for r in records
    ]  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def time_recommend(matcher: Matcher, needs: list[ResolvedNeed]) -> list[float]:
    matcher.recommend(needs[:5])  # warm the caches of the history view
    out = []
    for need in needs:
        start = time.perf_counter()
        matcher.recommend([need], k=10)
        out.append((time.perf_counter() - start) * 1000)
    return out


class Naive:
    """The baseline: plain Python loops over every provider and every (provider, facilitator) pair."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.providers = [(p.id, Counter(words(p.description)), set(p.sectors)) for p in catalogue.providers]
        self.facilitators = [
            (f.id, Counter(words(f.description)), set(f.sectors)) for f in catalogue.facilitators
        ]

    @staticmethod
    def cosine(a: Counter[str], b: Counter[str]) -> float:
        dot = sum(v * b.get(k, 0) for k, v in a.items())
        norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
        return dot / norm if norm else 0.0

    def recommend(self, need: ResolvedNeed, k: int = 10) -> list[tuple[float, str, str]]:
        text, sectors = Counter(words(need.text)), set(need.sectors)
        p_scores = [(self.cosine(text, c) + len(sectors & s), i) for i, c, s in self.providers]
        f_scores = [(self.cosine(text, c) + len(sectors & s), i) for i, c, s in self.facilitators]
        best: list[tuple[float, str, str]] = []
        for ps, pid in p_scores:
            for fs, fid in f_scores:
                item = (ps + fs, pid, fid)
                if len(best) < k:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
        return sorted(best, reverse=True)


def rss_of_serving_process(model: Path, sha: str, needs_file: Path) -> float:
    """Peak RSS (MB) of a fresh process that loads the saved model and answers the needs."""
    code = (
        "import json\n"
        "from benchmarks.memory import peak_rss_mb\n"
        "from pathlib import Path\n"
        "from matching.persistence import load_matcher\n"
        "from features.needs import ResolvedNeed\n"
        f"m = load_matcher(Path({str(model)!r}), {sha!r})\n"
        f"needs = [ResolvedNeed(**n) for n in json.loads(Path({str(needs_file)!r}).read_text())]\n"
        "m.recommend(needs)\n"
        "print(peak_rss_mb())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=HERE.parent
    )
    return float(out.stdout.strip().splitlines()[-1])


async def load_run(
    url: str, key: str, bodies: list[dict[str, Any]], concurrency: int, limit_s: float
) -> dict[str, Any]:
    """POST each body once to /api/v1/match from `concurrency` keep-alive connections, stopping at
    `limit_s` seconds. aiohttp is the client because it costs the 2-core machine about a quarter
    of the CPU httpx does per request, and the client shares the cores with the server."""
    latencies: list[float] = []
    kinds: Counter[str] = Counter()
    queue = list(bodies)
    deadline = time.monotonic() + limit_s

    async def worker(session: aiohttp.ClientSession) -> None:
        while queue and time.monotonic() < deadline:
            body = queue.pop()
            start = time.perf_counter()
            try:
                async with session.post("/api/v1/match", json=body) as response:
                    await response.read()
                    if response.status != 200:
                        kinds[f"HTTP {response.status}"] += 1
            except aiohttp.ClientError as exc:
                kinds[type(exc).__name__] += 1
            latencies.append((time.perf_counter() - start) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    headers = {"Authorization": f"Bearer {key}"}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(url, connector=connector, headers=headers, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": sum(kinds.values()),
        "requests": len(latencies),
        "error_kinds": dict(kinds),
    }


def http_benchmark(catalogue: Catalogue, needs: list[ResolvedNeed], requests: int) -> dict[str, Any]:
    """`sstc serve --workers 2` on a database holding the catalogue; POST /api/v1/match at concurrency 16."""
    from api.catalogue_store import store_catalogue
    from api.db import create_tables, get_engine
    from api.model_registry import train_version
    from api.security import create_key
    from models import Role

    folder = Path(tempfile.mkdtemp(prefix="sstc-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = get_engine(url)
    create_tables(engine)
    store_catalogue(engine, catalogue)
    train_version(engine, folder / "models")
    key = create_key(engine, Role.helpdesk)[1]
    port = 18765
    env = {**os.environ, "SSTC_MODEL_DIR": str(folder / "models")}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        [*command, "--database-url", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=HERE.parent,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        bodies = [{"country": n.country, "text": n.text, "sdg": n.sdgs, "k": 10} for n in needs]
        bodies = (bodies * (requests // len(bodies) + 1))[:requests]
        asyncio.run(load_run(base, key, bodies[:64], 16, 30))  # warm both workers
        return asyncio.run(load_run(base, key, bodies, 16, 120))
    finally:
        server.terminate()
        server.wait(timeout=30)


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
    parser.add_argument("--batch", type=int, default=1000, help="needs in the batch run")
    parser.add_argument(
        "--http-requests", type=int, default=3000, help="requests of the HTTP load run (0: skip)"
    )
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument("--http-at", type=int, default=10_000, help="catalogue size of the HTTP run")
    args = parser.parse_args()
    threadpool_limits(1)  # as in a server worker
    results: dict[str, Any] = {}
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        label = f"{size // 1000}k"
        catalogue = synthetic_catalogue(size, facilitators=500, partnerships=1000, seed=0)
        start = time.perf_counter()
        matcher = Matcher().fit(catalogue)
        fit_s = time.perf_counter() - start
        needs = needs_for(catalogue, args.needs)
        latencies = time_recommend(matcher, needs)
        results[f"p50_ms_{label}"], results[f"p95_ms_{label}"] = (
            percentile(latencies, 50),
            percentile(latencies, 95),
        )
        results[f"fit_s_{label}"] = fit_s
        batch = needs_for(catalogue, args.batch, seed=2)
        start = time.perf_counter()
        matcher.recommend(batch)
        results[f"batch_{args.batch}_s_{label}"] = time.perf_counter() - start
        row = [label, f"{fit_s:.1f}"]
        row += [f"{results[f'p50_ms_{label}']:.1f}", f"{results[f'p95_ms_{label}']:.1f}"]
        row.append(f"{results[f'batch_{args.batch}_s_{label}']:.1f}")
        if size <= 10_000:
            naive = Naive(catalogue)
            naive_ms = []
            for need in needs[:3]:
                start = time.perf_counter()
                naive.recommend(need)
                naive_ms.append((time.perf_counter() - start) * 1000)
            results[f"naive_p50_ms_{label}"] = statistics.median(naive_ms)
            results[f"naive_ratio_{label}"] = statistics.median(naive_ms) / results[f"p50_ms_{label}"]
            row += [f"{statistics.median(naive_ms):.0f}", f"{results[f'naive_ratio_{label}']:.0f}×"]
        else:
            row += ["—", "—"]
        # training the learned ranker alone on labelled pairs made from this catalogue's history
        rows = training_rows(matcher, catalogue.partnerships, [])
        X, y = rows.provider_X, rows.provider_y
        reps = max(1, 100_000 // max(len(y), 1) + 1)
        X, y = np.vstack([X] * reps)[:100_000], np.concatenate([y] * reps)[:100_000]
        start = time.perf_counter()
        LearnedRanker().fit(X, y, PROVIDER_FEATURES)
        results[f"train_s_{label}"] = time.perf_counter() - start
        row.append(f"{results[f'train_s_{label}']:.1f}")
        with tempfile.TemporaryDirectory() as folder:
            from matching.persistence import save_matcher

            card = save_matcher(matcher, Path(folder) / "bench.skops")
            needs_file = Path(folder) / "needs.json"
            needs_file.write_text(json.dumps([n.__dict__ for n in needs[:50]]))
            results[f"rss_mb_{label}"] = rss_of_serving_process(
                Path(folder) / "bench.skops", card["sha256"], needs_file
            )
            files = [f for f in Path(folder).rglob("*") if f.is_file() and f.name != "needs.json"]
            results[f"model_mb_{label}"] = sum(f.stat().st_size for f in files) / 1e6  # with arrays
        row += [f"{results[f'rss_mb_{label}']:.0f}", f"{results[f'model_mb_{label}']:.0f}"]
        rows.append(row)
        if size == args.http_at and args.http_requests:
            http = http_benchmark(catalogue, needs, args.http_requests)
            for name in ("rps", "p50", "p95", "p99"):
                results[f"http_{name}{'' if name == 'rps' else '_ms'}_{label}"] = http[name]
            results["http_errors"], results["http_requests"] = http["errors"], http["requests"]
            console.print(f"HTTP errors by kind: {http['error_kinds'] or 'none'}", highlight=False)
        console.print(f"{label} done", highlight=False)
    table = Table(title="sstc-match benchmark (this machine, one BLAS thread)")
    columns = ["providers", "fit s", "p50 ms", "p95 ms", f"batch {args.batch} s", "naive p50 ms", "speed-up"]
    for column in (*columns, "train 100k pairs s", "serving RSS MB", "model MB"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    http = f"{args.http_at // 1000}k"
    if f"http_rps_{http}" in results:
        console.print(
            f"HTTP at {http} (2 workers, concurrency 16, {results['http_requests']} requests): "
            f"{results[f'http_rps_{http}']:.0f} req/s, p50 {results[f'http_p50_ms_{http}']:.1f} ms, "
            f"p95 {results[f'http_p95_ms_{http}']:.1f} ms, p99 {results[f'http_p99_ms_{http}']:.1f} ms, "
            f"errors {results['http_errors']}",
            highlight=False,
        )
    previous = json.loads(args.output.read_text()) if args.output.exists() else {}
    console.print(target_table(results, previous))
    args.output.write_text(json.dumps({k: round(v, 3) for k, v in results.items()}, indent=2) + "\n")
    console.print(f"wrote {args.output}", highlight=False)


if __name__ == "__main__":
    main()
