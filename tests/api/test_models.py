"""Model versions: train in the background, activate, roll back, refuse a tampered file."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from api.db import get_engine
from models import ModelVersion
from tests.api.conftest import Service


def versions(service: Service) -> dict[str, dict]:
    listed = service.client.get("/api/v1/models", headers=service.as_("scientist")).json()
    return {v["id"]: v for v in listed}


def train(service: Service, ranker: str) -> str:
    job = service.client.post(
        "/api/v1/models/train", json={"ranker": ranker}, headers=service.as_("scientist")
    )
    assert job.status_code == 202, job.text
    done = service.client.get(
        f"/api/v1/models/jobs/{job.json()['id']}", headers=service.as_("scientist")
    ).json()
    assert done["status"] == "done", done  # TestClient runs background tasks before it returns
    return str(done["model_version"])


def active(service: Service) -> str:
    return next(v for v, row in versions(service).items() if row["status"] == "active")


def test_activate_and_roll_back(service: Service) -> None:
    first = active(service)  # the module's service is shared: other tests' versions may be there too
    candidate = train(service, "prior")
    assert versions(service)[candidate]["status"] == "candidate"
    scientist = service.as_("scientist")
    assert service.client.post(f"/api/v1/models/{candidate}/activate", headers=scientist).status_code == 200
    answer = service.client.post(
        "/api/v1/match", json={"country": "KEN", "text": "rice"}, headers=scientist
    ).json()
    assert answer["model_version"] == candidate
    rolled = service.client.post("/api/v1/models/rollback", headers=scientist)
    assert rolled.status_code == 200 and rolled.json()["id"] == first
    statuses = {v: row["status"] for v, row in versions(service).items()}
    assert {first: statuses[first], candidate: statuses[candidate]} == {first: "active", candidate: "retired"}
    assert [v for v, status in statuses.items() if status == "active"] == [first]


def test_a_tampered_model_is_refused_and_the_active_one_keeps_serving(service: Service) -> None:
    serving = active(service)
    candidate = train(service, "popularity")
    with Session(get_engine(service.settings.database_url)) as session:
        row = session.exec(select(ModelVersion).where(ModelVersion.id == candidate)).one()
        path = Path(row.path)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    refused = service.client.post(f"/api/v1/models/{candidate}/activate", headers=service.as_("scientist"))
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail.startswith(
        f"model version {candidate} cannot be loaded, so it stays inactive: model file {candidate}.skops has "
        "checksum "
    )
    assert detail.endswith(f"expected {row.sha256[:12]}…; refused")
    answer = service.client.post(
        "/api/v1/match", json={"country": "KEN", "text": "rice"}, headers=service.as_("scientist")
    ).json()
    assert answer["model_version"] == serving


def test_a_failed_training_leaves_the_active_model_untouched(service: Service, tmp_path: Path) -> None:
    serving, before = active(service), set(versions(service))
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the model folder should be")
    saved, service.settings.model_dir = service.settings.model_dir, blocker / "models"
    try:
        job = service.client.post(
            "/api/v1/models/train", json={"ranker": "prior"}, headers=service.as_("scientist")
        )
        polled = service.client.get(
            f"/api/v1/models/jobs/{job.json()['id']}", headers=service.as_("scientist")
        ).json()
    finally:
        service.settings.model_dir = saved
    assert polled["status"] == "failed" and polled["error"].startswith(
        ("FileExistsError", "NotADirectoryError")
    )
    assert active(service) == serving
    assert set(versions(service)) == before  # the failed run added no version


def test_roll_back_walks_back_through_the_activations_and_never_ping_pongs(service: Service) -> None:
    scientist = service.as_("scientist")
    original = active(service)
    second, third = train(service, "prior"), train(service, "popularity")
    for version in (second, third):
        assert service.client.post(f"/api/v1/models/{version}/activate", headers=scientist).status_code == 200
    steps = [service.client.post("/api/v1/models/rollback", headers=scientist).json()["id"] for _ in range(2)]
    assert steps == [second, original]  # not [second, third]: a roll-back is not an activation
    assert active(service) == original
    assert service.client.post(f"/api/v1/models/{third}/activate", headers=scientist).status_code == 200
    assert service.client.post("/api/v1/models/rollback", headers=scientist).json()["id"] == original
