from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, func, select

from api.db import get_engine
from api.settings import Settings
from models import (
    ApiKey,
    Facilitator,
    ModelVersion,
    Need,
    PageSession,
    Partnership,
    Provider,
    Review,
    Suggestion,
)
from tests.seeded_databases import BACKENDS, SeededDatabase, SeededTemplates


@dataclass
class LiveService:
    url: str
    keys: dict[str, str]
    settings: Settings

    def client(self, who: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.keys[who]}"}, timeout=60
        )


STORED_TABLES = (
    Need,
    Suggestion,
    Review,
    ModelVersion,
    ApiKey,
    PageSession,
    Provider,
    Facilitator,
    Partnership,
)


def stored_rows(settings: Settings) -> dict[str, int]:
    """How many rows each table holds: counted before and after a test that must store nothing."""
    with Session(get_engine(settings.database_url)) as session:
        return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in STORED_TABLES}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module", params=BACKENDS)
def live(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    seeded_templates: SeededTemplates,
) -> Iterator[LiveService]:
    """A real uvicorn server with two workers on a free loopback port, on a seeded database."""
    yield from _serve(seeded_templates.copy(request.param, tmp_path_factory.mktemp("live")))


@pytest.fixture(scope="module")
def live_sqlite(
    tmp_path_factory: pytest.TempPathFactory, seeded_templates: SeededTemplates
) -> Iterator[LiveService]:
    """The same real server, on SQLite only (the browser tests)."""
    yield from _serve(seeded_templates.copy("sqlite", tmp_path_factory.mktemp("pages")))


def _serve(copies: Iterator[SeededDatabase]) -> Iterator[LiveService]:
    for seeded in copies:
        with running_server(seeded.settings, seeded.settings.data_dir / "server.log") as base:
            yield LiveService(base, seeded.keys, seeded.settings)


@contextmanager
def running_server(
    settings: Settings,
    log_path: Path,
    workers: int = 2,
    env: dict[str, str] | None = None,
    until: tuple[int, ...] = (200,),
) -> Iterator[str]:
    """`uvicorn --factory api.app:create_app` on a free loopback port, until /readyz answers one of
    `until`; its base URL. The server is stopped on the way out."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SSTC_MODEL_DIR": str(settings.model_dir),
        "SSTC_DATA_DIR": str(settings.data_dir),
        **(env or {}),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    log = log_path.open("w")
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code in until:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"server did not start: {log_path.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def wait_for(
    url: str, status: int, headers: dict[str, str] | None = None, limit_s: float = 30
) -> httpx.Response:
    """GET `url` until it answers `status`; that answer."""
    deadline = time.monotonic() + limit_s
    while True:
        try:
            response = httpx.get(url, headers=headers, timeout=5)
            if response.status_code == status:
                return response
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not answer {status} within {limit_s} s")
        time.sleep(0.3)
