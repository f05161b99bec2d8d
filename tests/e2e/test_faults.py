"""The database going away mid-run: a clear 503, then the service recovers on its own."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

from features.catalogue import Catalogue
from tests.e2e.conftest import free_port, wait_for
from tests.seeded_databases import make_keys, seeded_database


def pg(command: str) -> None:
    subprocess.run(["su", "postgres", "-c", command], check=True, capture_output=True, timeout=60)


def test_database_outage_gives_503_and_the_service_recovers(tmp_path: Path, catalogue: Catalogue) -> None:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries or shutil.which("su") is None:
        pytest.skip("no PostgreSQL server binaries (Debian's postgresql package) to start and stop")
    bin_dir = Path(binaries[-1]).parent
    data = Path(tempfile.mkdtemp(prefix="sstc-outage-"))  # under /tmp: the postgres user must reach it
    shutil.chown(data, "postgres")
    port = free_port()
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    start = f"{bin_dir}/pg_ctl -D {data} -l {data}/log -w start -o '{options}'"
    pg(f"{bin_dir}/initdb -D {data} -A trust -U postgres")
    pg(start)
    server = None
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        settings = seeded_database(tmp_path, catalogue, url)
        keys = make_keys(settings)
        app_port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "SSTC_MODEL_DIR": str(settings.model_dir)}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1",
             "--port", str(app_port), "--log-level", "warning"], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{app_port}"
        auth = {"Authorization": f"Bearer {keys['helpdesk']}"}
        wait_for(f"{base}/readyz", 200)
        assert httpx.get(f"{base}/api/v1/needs", headers=auth).status_code == 200

        pg(f"{bin_dir}/pg_ctl -D {data} -m fast -w stop")
        down = wait_for(f"{base}/api/v1/needs", 503, auth)
        body = down.json()
        assert body["detail"] == "the database is unavailable; try again shortly"
        assert body["request_id"] == down.headers["X-Request-ID"]
        assert httpx.get(f"{base}/readyz").json()["database"] == "unreachable"

        pg(start)
        assert wait_for(f"{base}/api/v1/needs", 200, auth).json()["count"] == 0
        wait_for(f"{base}/readyz", 200)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        subprocess.run(
            ["su", "postgres", "-c", f"{bin_dir}/pg_ctl -D {data} -m immediate stop"], capture_output=True
        )
