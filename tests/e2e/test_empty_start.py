"""`sstc serve` on a database that holds nothing yet: the service starts and says it is not ready,
then serves once a catalogue is loaded and a model trained, without a restart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
from typer.testing import CliRunner

from api.cli import app
from tests.e2e.conftest import free_port, wait_for


def test_serve_on_an_empty_database_starts_not_ready_and_serves_once_trained(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sstc.db'}"
    port = free_port()
    env = {**os.environ, "SSTC_DATA_DIR": str(tmp_path), "SSTC_MODEL_DIR": str(tmp_path / "models")}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--database-url", url]
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        waiting = wait_for(f"{base}/readyz", 503, limit_s=60).json()
        assert (waiting["status"], waiting["model"]) == ("not ready", "none active")
        said = " ".join((tmp_path / "serve.log").read_text().split())
        assert "no model yet: the catalogue has no providers, no facilitators and no partnerships" in said
        runner = CliRunner(env={"SSTC_MODEL_DIR": str(tmp_path / "models")})
        for step in (["seed"], ["train"]):
            done = runner.invoke(app, [*step, "--database-url", url])
            assert done.exit_code == 0, done.output
        created = runner.invoke(app, ["keys", "create", "--role", "helpdesk", "--database-url", url])
        key = created.output.strip().splitlines()[-1]
        assert wait_for(f"{base}/readyz", 200).json()["status"] == "ready"
        need = {"country": "KEN", "text": "School feeding from local smallholder farms."}
        answer = httpx.post(
            f"{base}/api/v1/match", json=need, headers={"Authorization": f"Bearer {key}"}, timeout=60
        )
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["suggestions"]) == 10
    finally:
        server.terminate()
        server.wait(timeout=20)
