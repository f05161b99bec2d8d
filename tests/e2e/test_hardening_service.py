"""What a probe of the running service broke under load and hostile input, replayed against a real
uvicorn server (SQLite and PostgreSQL): each test counts the stored rows before and after."""

from __future__ import annotations

import asyncio
import json
import re
import select
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text

from tests.e2e.conftest import LiveService, running_server, stored_rows

NEED = {"country": "KEN", "text": "School feeding from local smallholder farms."}


# /healthz every 50 ms on a new connection, from a process of its own, so neither the burst's client
# loop nor its share of this process's GIL delays the check: what is measured is the server. It says
# "ready" after its first answer and prints every timing as JSON once its stdin closes.
HEALTH_WATCHER = """
import json, select, sys, time, httpx
times = []
fresh = httpx.Limits(max_keepalive_connections=0)
with httpx.Client(base_url=sys.argv[1], limits=fresh, timeout=10) as client:
    while not select.select([sys.stdin], [], [], 0.05 if times else 0)[0]:
        started = time.perf_counter()
        status = client.get("/healthz").status_code
        times.append(time.perf_counter() - started if status == 200 else float("inf"))
        if len(times) == 1:
            print("ready", flush=True)
print(json.dumps(times))
"""


def _new_connections(live: LiveService) -> httpx.AsyncClient:
    """A help-desk client that opens a new connection for every request, as a crowd of clients does."""
    auth = {"Authorization": f"Bearer {live.keys['helpdesk']}"}
    fresh = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    return httpx.AsyncClient(base_url=live.url, headers=auth, limits=fresh, timeout=120)


async def _burst(live: LiveService, requests: int) -> list[httpx.Response]:
    """`requests` authenticated requests at once, each on a new connection."""
    paths = ["/api/v1/needs", "/api/v1/providers?q=agriculture", "/api/v1/facilitators"]
    async with _new_connections(live) as client:
        calls = [client.get(paths[i % len(paths)]) for i in range(requests - 20)]
        calls += [client.post("/api/v1/match", json=NEED) for _ in range(20)]
        return list(await asyncio.gather(*calls))


def test_200_concurrent_requests_get_200_or_503_and_health_stays_quick(live: LiveService) -> None:
    before = stored_rows(live.settings)
    watcher = subprocess.Popen(
        [sys.executable, "-c", HEALTH_WATCHER, live.url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert watcher.stdout and watcher.stdout.readline() == "ready\n"
    try:
        responses = asyncio.run(_burst(live, 200))
    finally:
        printed, _ = watcher.communicate("")
    health_times = json.loads(printed)
    statuses = {r.status_code for r in responses}
    assert statuses <= {200, 503}, [r.text for r in responses if r.status_code not in (200, 503)][:3]
    assert all(r.headers["Retry-After"] for r in responses if r.status_code == 503)
    assert health_times and max(health_times) < 1.0, max(health_times)
    assert stored_rows(live.settings) == before


async def _reads(live: LiveService, requests: int) -> list[httpx.Response]:
    """`requests` reads of the needs at once, each on a new connection."""
    async with _new_connections(live) as client:
        return list(await asyncio.gather(*(client.get("/api/v1/needs") for _ in range(requests))))


def test_a_burst_on_new_connections_never_waits_out_the_pool(live: LiveService) -> None:
    """120 reads at once, each on a new connection: every one is answered, none is a 503. Route
    sessions used to hold their connection while their answer waited for a thread, and threads
    waited for connections: half such a burst was 503s after the pool's 5 s timeout."""
    statuses = [r.status_code for r in asyncio.run(_reads(live, 120))]
    assert statuses == [200] * 120, {s: statuses.count(s) for s in set(statuses)}


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    lengths = [
        line.split(b":")[1] for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")
    ]
    return bool(lengths) and len(body) >= int(lengths[0])


def _chunked_post(live: LiveService, path: str, key: str | None, total: int) -> tuple[int, bytes, int]:
    """POST a chunked JSON body of up to `total` bytes on a raw socket, a chunk at a time, looking for
    an answer after each: the status, the answer's bytes and how much was sent before it came."""
    where = urlsplit(live.url)
    head = [f"POST {path} HTTP/1.1", f"Host: {where.netloc}", "Content-Type: application/json",
            "Transfer-Encoding: chunked", *([f"Authorization: Bearer {key}"] if key else [])]  # fmt: skip
    chunk = b"a" * 65_536
    sent, answer = 0, b""
    with socket.create_connection((where.hostname, where.port), timeout=30) as connection:
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + b'10\r\n{"text": "aaaaaa\r\n')
        try:
            while sent < total and not select.select([connection], [], [], 0)[0]:
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            connection.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: the answer is waiting to be read
        while not _complete(answer):
            part = connection.recv(65_536)
            if not part:
                break
            answer += part
    status = int(answer.split(b" ", 2)[1])
    return status, answer, sent


@pytest.mark.parametrize("who", ["helpdesk", None])
def test_a_chunked_body_over_the_limit_is_refused_before_it_is_read_or_stored(
    live: LiveService, who: str | None
) -> None:
    before = stored_rows(live.settings)
    key = live.keys[who] if who else None
    status, answer, sent = _chunked_post(live, "/api/v1/needs", key, 5_000_000)
    assert status == 413, answer[:300]
    detail = json.loads(answer.split(b"\r\n\r\n", 1)[1])["detail"]
    counted = re.fullmatch(r"request body too large: at least (\d+) bytes, the limit is 1000000", detail)
    assert counted, detail
    # the server stopped reading just past the limit, not at the end of the 5 MB (`sent` depends on
    # how much the kernel's socket buffers took, so it proves nothing)
    assert 1_000_000 < int(counted.group(1)) < 2_000_000, (counted.group(1), sent)
    assert stored_rows(live.settings) == before
    assert httpx.get(f"{live.url}/healthz").status_code == 200


def test_every_answer_carries_the_security_headers_and_a_safe_request_id(live: LiveService) -> None:
    hostile = "<script>alert(1)</script>" * 200
    for response in (
        httpx.get(f"{live.url}/login", headers={"X-Request-ID": hostile}),
        live.client("helpdesk").get("/api/v1/needs", headers={"X-Request-ID": "a" * 65}),
        httpx.get(f"{live.url}/api/v1/needs"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert len(response.headers["X-Request-ID"]) == 32 and response.headers["X-Request-ID"].isalnum()
    kept = live.client("helpdesk").get("/api/v1/needs", headers={"X-Request-ID": "desk-42.retry_1"})
    assert kept.headers["X-Request-ID"] == "desk-42.retry_1"
    assert hostile not in (live.settings.data_dir / "server.log").read_text()


BAD_INPUT = [
    ("/api/v1/needs", {**NEED, "text": "rice\u0000fields"}, 422, "text",
     "holds the control character U+0000, which no text may contain"),
    ("/api/v1/needs", {**NEED, "language": ["x" * 100]}, 422, "language.0", None),
    ("/api/v1/needs", {**NEED, "language": ["português", "klingon"]}, 422, "language.1", None),
    ("/api/v1/providers", {"id": "PRV-SELF", "name": "Self", "country": "BRA", "kind": "public_agency",
                           "parent": "PRV-SELF"}, 422, "parent",
     "'PRV-SELF' is the provider itself; a provider cannot be its own parent"),
    ("/api/v1/facilitators", {"id": "FAC-WIN", "name": "Window", "kind": "trust_fund",
                              "funding_min_usd": 500, "funding_max_usd": 100}, 422, "funding_min_usd",
     "500 is above funding_max_usd (100); the window must run low to high"),
    ("/api/v1/providers", {"id": "PRV-ALIAS", "name": "Aliases", "country": "BRA", "kind": "public_agency",
                           "aliases": [f"alias {i}" for i in range(10_000)]}, 422, "aliases",
     "10000 aliases; at most 50 are kept per record"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "status", "field", "message"), BAD_INPUT)
def test_hostile_input_is_refused_naming_the_field_and_nothing_is_stored(
    live: LiveService, path: str, body: dict, status: int, field: str, message: str | None
) -> None:
    before = stored_rows(live.settings)
    response = live.client("admin").post(path, json=body)
    assert response.status_code == status, response.text
    error = response.json()["detail"][0]
    assert error["field"] == field
    if message is not None:
        assert error["message"] == message
    assert stored_rows(live.settings) == before


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"[" * 5000 + b"]" * 5000, "the request body could not be read: its JSON is nested too deeply"),
        (b'{"country": "KEN", "text": "a", "k": ' + b"9" * 5000 + b"}",
         "the request body could not be read: a number in it has more than 4300 digits"),
    ],
)  # fmt: skip
def test_unparseable_bodies_say_why(live: LiveService, content: bytes, detail: str) -> None:
    before = stored_rows(live.settings)
    headers = {"content-type": "application/json"}
    response = live.client("helpdesk").post("/api/v1/needs", content=content, headers=headers)
    assert (response.status_code, response.json()) == (400, {"detail": detail})
    truncated = live.client("helpdesk").post(
        "/api/v1/needs", content=b'{"country": "KEN", "te', headers=headers
    )
    error = truncated.json()["detail"][0]
    assert (truncated.status_code, error["field"]) == (422, "body")
    assert error["message"] == (
        "the request body is not valid JSON (cut short or malformed) at character 19: "
        "Unterminated string starting at"
    )
    assert stored_rows(live.settings) == before


READ_ONLY = "default_transaction_read_only"


def test_readyz_says_read_only_when_the_database_refuses_writes(live: LiveService) -> None:
    url = make_url(live.settings.database_url)
    if url.get_backend_name() == "sqlite":
        read_only = f"sqlite:///file:{url.database}?mode=ro&uri=true"
        with running_server(live.settings, live.settings.data_dir / "ro.log", 1,
                            {"DATABASE_URL": read_only}, until=(503,)) as base:  # fmt: skip
            answer = httpx.get(f"{base}/readyz").json()
        assert (answer["status"], answer["database"]) == ("not ready", "read-only")
        return
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    kick = text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = :d AND pid <> pg_backend_pid()"
    )
    try:
        with admin.connect() as connection:
            connection.execute(
                text(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
            )
            connection.execute(kick, {"d": url.database})
        deadline = time.monotonic() + 20
        while httpx.get(f"{live.url}/readyz").json()["database"] != "read-only":
            assert time.monotonic() < deadline, "readyz never said read-only"
            time.sleep(0.3)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = off')
            )
            connection.execute(kick, {"d": url.database})
        admin.dispose()
    deadline = time.monotonic() + 20
    while httpx.get(f"{live.url}/readyz").status_code != 200:
        assert time.monotonic() < deadline, "readyz did not recover"
        time.sleep(0.3)
