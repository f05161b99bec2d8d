"""Sessions, failed sign-ins and model files under attack, against a real uvicorn server (SQLite and
PostgreSQL): forged and stale cookies, guessing keys, and model versions whose files were damaged."""

from __future__ import annotations

import base64
import http.client
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import pytest
from itsdangerous import TimestampSigner
from sqlmodel import Session

from api.db import get_engine
from api.model_registry import train_version
from api.security import create_key, revoke_key
from models import ModelVersion, Role
from tests.e2e.conftest import LiveService, running_server, stored_rows

NEED = {"country": "KEN", "text": "School feeding from local smallholder farms."}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def signed_in(base: str, key: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"key": key, "csrf": token})
    assert answer.status_code == 303, answer.text
    return client


def opens_the_queue(base: str, cookie: str) -> bool:
    answer = httpx.get(f"{base}/queue", cookies={"sstc_session": cookie}, timeout=30)
    return answer.status_code == 200


def forged(secret: str, session: dict[str, object]) -> str:
    """A cookie as Starlette's SessionMiddleware writes it, signed with `secret`."""
    data = base64.b64encode(json.dumps(session).encode())
    return TimestampSigner(secret).sign(data).decode()


def test_a_cookie_signed_with_any_constant_or_naming_a_key_opens_nothing(live: LiveService) -> None:
    real = (live.settings.data_dir / "secret_key").read_text()
    admin_id = 5  # make_keys creates the admin key fifth
    for secret in ("development-only-secret-change-me", "secret", "changeme", real):
        for session in ({"key_id": admin_id}, {"sid": "guessed", "key_id": admin_id}):
            assert not opens_the_queue(live.url, forged(secret, session)), (secret, session)
    assert opens_the_queue(live.url, signed_in(live.url, live.keys["admin"]).cookies["sstc_session"])


def test_a_cookie_captured_before_logout_or_revocation_opens_nothing_after(live: LiveService) -> None:
    desk = signed_in(live.url, live.keys["helpdesk"])
    captured = desk.cookies["sstc_session"]
    assert opens_the_queue(live.url, captured)
    token = csrf_of(desk.get("/queue").text)
    assert desk.post("/logout", data={"csrf": token}).status_code == 303
    assert not opens_the_queue(live.url, captured)

    engine = get_engine(live.settings.database_url)
    row, key = create_key(engine, Role.helpdesk, label="to be revoked")
    captured = signed_in(live.url, key).cookies["sstc_session"]
    assert opens_the_queue(live.url, captured)
    assert row.id is not None
    revoke_key(engine, row.id)
    assert not opens_the_queue(live.url, captured)


def test_failed_authentication_is_limited_with_retry_after(live: LiveService) -> None:
    with running_server(live.settings, live.settings.data_dir / "throttle.log", 1,
                        {"SSTC_FAILED_AUTH_LIMIT": "5/minute"}) as base:  # fmt: skip
        bad = {"Authorization": "Bearer sstc_not-a-key"}
        statuses = [httpx.get(f"{base}/api/v1/needs", headers=bad).status_code for _ in range(6)]
        assert statuses == [401] * 5 + [429]
        limited = httpx.get(f"{base}/api/v1/needs", headers=bad)
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["detail"].startswith(
            "too many failed sign-ins or invalid API keys from this address; try again in "
        )
        page = httpx.get(f"{base}/login")
        sign_in = httpx.post(f"{base}/login", data={"key": "wrong", "csrf": csrf_of(page.text)},
                             cookies=page.cookies)  # fmt: skip
        assert sign_in.status_code == 429 and "Too many tries" in sign_in.text
        assert "text/html" in sign_in.headers["content-type"]


def _candidate(live: LiveService) -> ModelVersion:
    engine = get_engine(live.settings.database_url)
    return train_version(engine, live.settings.model_dir, "popularity", activate_if_first=False)


def _damage(file: Path) -> None:
    file.chmod(0o644)  # the service writes model files read-only; the attacker here is root
    content = bytearray(file.read_bytes())
    content[-8:] = b"\xff" * 8
    file.write_bytes(bytes(content))


def _serving(base: str, key: str) -> str:
    answer = httpx.post(
        f"{base}/api/v1/match", json=NEED, headers={"Authorization": f"Bearer {key}"}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["model_version"])


def test_a_candidate_with_a_damaged_array_file_cannot_be_activated(live: LiveService) -> None:
    scientist = live.client("scientist")
    serving = _serving(live.url, live.keys["helpdesk"])
    candidate = _candidate(live)
    before = stored_rows(live.settings)
    indices = Path(candidate.path).with_suffix(".arrays") / "provider_postings.indices.npy"
    _damage(indices)
    refused = scientist.post(f"/api/v1/models/{candidate.id}/activate")
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith(
        f"model version {candidate.id} cannot be loaded, so it stays inactive: model file "
        f"{candidate.id}.skops: provider_postings.indices.npy has checksum "
    )
    statuses = {row["id"]: row["status"] for row in scientist.get("/api/v1/models").json()}
    assert statuses[candidate.id] == "candidate" and statuses[serving] == "active"
    assert httpx.get(f"{live.url}/readyz").json()["model"] == serving
    assert _serving(live.url, live.keys["helpdesk"]) == serving
    assert stored_rows(live.settings) == before


def test_a_damaged_active_version_on_restart_falls_back_to_the_last_good_one(live: LiveService) -> None:
    scientist = live.client("scientist")
    good = _serving(live.url, live.keys["helpdesk"])
    damaged = _candidate(live)
    assert scientist.post(f"/api/v1/models/{damaged.id}/activate").status_code == 200
    before = stored_rows(live.settings)
    _damage(Path(damaged.path))
    try:
        with running_server(live.settings, live.settings.data_dir / "restart.log", 1) as base:
            ready = httpx.get(f"{base}/readyz").json()
            assert (ready["status"], ready["model"], ready["active_version"]) == ("ready", good, damaged.id)
            assert ready["problem"].startswith(
                f"the active model version {damaged.id} cannot be loaded: model file {damaged.id}.skops "
                "has checksum "
            )
            assert _serving(base, live.keys["helpdesk"]) == good
    finally:
        assert scientist.post(f"/api/v1/models/{good}/activate").status_code == 200
    assert stored_rows(live.settings) == before
    with Session(get_engine(live.settings.database_url)) as session:
        row = session.get(ModelVersion, damaged.id)
        assert row is not None and row.status == "retired"


@pytest.fixture(autouse=True)
def _no_stray_servers(live: LiveService) -> None:
    """Every test here starts from the module's server answering."""
    assert httpx.get(f"{live.url}/healthz").status_code == 200


# A worker keeps the API keys it has looked up (api/key_cache.py); revoked must still mean revoked.
def _worker_of(connection: http.client.HTTPConnection, server_port: int) -> int | None:
    """The process that holds the server end of this keep-alive connection."""
    assert connection.sock is not None
    client_port = connection.sock.getsockname()[1]
    for found in psutil.net_connections(kind="tcp"):
        if found.laddr and found.raddr and (found.laddr.port, found.raddr.port) == (server_port, client_port):
            return found.pid
    return None


def _get(connection: http.client.HTTPConnection, key: str) -> tuple[int, dict]:
    connection.request("GET", "/api/v1/needs", headers={"Authorization": f"Bearer {key}"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_a_revoked_key_is_refused_by_every_worker_on_its_next_request(live: LiveService) -> None:
    engine = get_engine(live.settings.database_url)
    row, key = create_key(engine, Role.helpdesk, label="revoked in the test")
    port = urlsplit(live.url).port
    assert port is not None
    by_worker: dict[int, http.client.HTTPConnection] = {}
    opened = []
    for _ in range(60):  # new connections until each of the two workers holds one
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        opened.append(connection)
        assert _get(connection, key)[0] == 200  # looked up, now kept by that worker
        assert _get(connection, key)[0] == 200  # and answered from its cache
        worker = _worker_of(connection, port)
        if worker is not None:
            by_worker.setdefault(worker, connection)
        if len(by_worker) == 2:
            break
    assert len(by_worker) == 2, f"the connections reached only workers {sorted(by_worker)}"
    assert row.id is not None
    revoke_key(engine, row.id)
    for worker, connection in by_worker.items():
        assert _get(connection, key) == (401, {"detail": "invalid or revoked API key"}), worker
        assert _get(connection, live.keys["helpdesk"])[0] == 200, worker  # the other keys still work
    for connection in opened:
        connection.close()
