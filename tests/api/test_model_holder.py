"""A worker whose only model version cannot be loaded says why, in the 503 and in /readyz."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.db import get_engine
from api.model_registry import active_version
from api.security import create_key
from features.catalogue import Catalogue
from models import Role
from tests.seeded_databases import seeded_database


def test_with_no_loadable_version_the_503_names_the_version_and_the_reason(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    settings = seeded_database(tmp_path, catalogue)
    engine = get_engine(settings.database_url)
    row = active_version(engine)
    assert row is not None
    model = Path(row.path)
    model.chmod(0o644)
    model.write_bytes(model.read_bytes() + b"tampered")
    key = create_key(engine, Role.helpdesk)[1]
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        answer = client.post("/api/v1/match", json={"country": "KEN", "text": "rice"},
                             headers={"Authorization": f"Bearer {key}"})  # fmt: skip
        ready = client.get("/readyz")
    assert answer.status_code == 503
    detail = answer.json()["detail"]
    assert detail.startswith(
        f"the active model version {row.id} cannot be loaded: model file {model.name} has checksum "
    )
    assert detail.endswith("; refused; a data scientist must activate a version that loads (or train one)")
    assert ready.status_code == 503
    assert {k: ready.json()[k] for k in ("status", "model", "active_version")} == {
        "status": "not ready", "model": "none active", "active_version": row.id
    }  # fmt: skip
    assert ready.json()["problem"] == detail.split("; a data scientist")[0]
    engine.dispose()
