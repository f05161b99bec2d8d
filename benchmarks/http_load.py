"""`sstc serve --workers 2` on a database holding the catalogue, loaded with POST /api/v1/match."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from benchmarks.engine_timing import percentile
from features.catalogue import Catalogue
from features.needs import ResolvedNeed

ROOT = Path(__file__).parent.parent
# (connections, explain) of each load run
RUNS = ((16, "full"), (16, "top"), (64, "full"))


async def load_run(
    url: str, key: str, bodies: list[dict[str, Any]], concurrency: int, limit_s: float, explain: str = "full"
) -> dict[str, Any]:
    """POST each body once to /api/v1/match from `concurrency` keep-alive connections, stopping at
    `limit_s` seconds. aiohttp is the client because it costs the 2-core machine about a quarter
    of the CPU httpx does per request, and the client shares the cores with the server."""
    latencies: list[float] = []
    kinds: Counter[str] = Counter()
    queue = list(bodies)
    deadline = time.monotonic() + limit_s
    path = f"/api/v1/match?explain={explain}"

    async def worker(session: aiohttp.ClientSession) -> None:
        while queue and time.monotonic() < deadline:
            body = queue.pop()
            start = time.perf_counter()
            try:
                async with session.post(path, json=body) as response:
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


def http_benchmark(
    catalogue: Catalogue, needs: list[ResolvedNeed], requests: int
) -> dict[str, dict[str, Any]]:
    """One load run per entry of RUNS against the same two-worker server, keyed `c16_full`…"""
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
    env = {**os.environ, "SSTC_MODEL_DIR": str(folder / "models"), "SSTC_DATA_DIR": str(folder)}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        [*command, "--database-url", url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
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
        return {
            f"c{connections}_{explain}": asyncio.run(load_run(base, key, bodies, connections, 120, explain))
            for connections, explain in RUNS
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
