"""Every connection of the pool taken: a request waits the pool's timeout, then gets a 503 with
Retry-After (never a 500, never an endless wait), and the next one is served once they are back."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.db import create_tables, get_engine
from api.security import create_key
from api.settings import Settings
from models import Role


def test_an_exhausted_pool_answers_503_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'sstc.db'}", data_dir=tmp_path, worker_threads=1)
    engine = get_engine(settings.database_url, pool_size=settings.worker_threads)
    create_tables(engine)
    key = create_key(engine, Role.helpdesk)[1]
    auth = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/api/v1/needs", headers=auth).status_code == 200
        held = [engine.connect() for _ in range(2 * engine.pool.size() + 2)]  # the pool and its overflow
        try:
            busy = client.get("/api/v1/needs", headers=auth)
            healthy = client.get("/healthz")
        finally:
            for connection in held:
                connection.close()
        assert (busy.status_code, busy.headers["Retry-After"]) == (503, "2")
        assert busy.json() == {
            "detail": "the service is busy; try again shortly",
            "request_id": busy.headers["X-Request-ID"],
        }
        assert healthy.status_code == 200
        assert client.get("/api/v1/needs", headers=auth).status_code == 200
    engine.dispose()
