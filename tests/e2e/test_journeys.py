"""The three users' journeys against a real uvicorn server with two workers."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.e2e.conftest import LiveService

NEED_FR = {
    "country": "KEN",
    "title": "Cantines scolaires et achats locaux",
    "text": "Nous voulons des cantines scolaires approvisionnées par les petits producteurs locaux.",
    "sdg": [2, 4],
    "sector": ["alimentation scolaire"],
    "modality": ["assistance technique"],
    "language": ["fr", "en"],
}


def wait_for_job(client: httpx.Client, job_id: int, limit_s: float = 300) -> dict:
    """Poll until the job ends; the limit only stops a hung job (a 5-fold evaluation takes a minute)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/models/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish in {limit_s} s")


def test_the_three_journeys(live: LiveService) -> None:
    office, desk, scientist = live.client("kenya"), live.client("helpdesk"), live.client("scientist")

    # a country office states a need and gets ranked triads with explanations
    need = office.post("/api/v1/needs", json=NEED_FR)
    assert need.status_code == 201, need.text
    need_id = need.json()["id"]
    made = office.post(f"/api/v1/needs/{need_id}/suggestions")
    assert made.status_code == 201, made.text
    suggestions = made.json()
    assert len(suggestions) == 10
    for s in suggestions:
        assert abs(s["prior"] + sum(c["contribution"] for c in s["contributions"]) - s["score"]) <= 1e-9
        assert s["reasons"]
    first_version = desk.get(f"/api/v1/needs/{need_id}/suggestions").json()

    # the help desk reviews them
    queue = desk.get("/api/v1/needs", params={"status": "open", "country": "KEN"}).json()
    assert need_id in [n["id"] for n in queue["data"]]
    accepted, rejected = suggestions[0]["id"], suggestions[1]["id"]
    assert (
        desk.post(f"/api/v1/suggestions/{accepted}/reviews", json={"decision": "accept"}).status_code == 201
    )
    reply = desk.post(
        f"/api/v1/suggestions/{rejected}/reviews", json={"decision": "reject", "comment": "too far"}
    )
    assert reply.status_code == 201
    stored = desk.get(f"/api/v1/needs/{need_id}/suggestions").json()
    assert [stored[0]["decision"], stored[1]["decision"]] == ["accept", "reject"]
    assert [s["id"] for s in stored] == [s["id"] for s in first_version]

    # a data scientist trains on partnerships plus reviews, sees the metrics, activates it
    job = scientist.post("/api/v1/models/train", json={"ranker": "learned"})
    assert job.status_code == 202, job.text
    done = wait_for_job(scientist, job.json()["id"])
    assert done["status"] == "done", done["error"]
    new_version = done["model_version"]
    evaluation = wait_for_job(
        scientist, scientist.post(f"/api/v1/models/{new_version}/evaluate").json()["id"]
    )
    assert evaluation["status"] == "done", evaluation["error"]
    versions = {v["id"]: v for v in scientist.get("/api/v1/models").json()}
    assert versions[new_version]["status"] == "candidate"
    assert versions[new_version]["metrics"]["provider"]["hit@10"] > 0.5
    activated = scientist.post(f"/api/v1/models/{new_version}/activate")
    assert activated.status_code == 200 and activated.json()["status"] == "active"
    time.sleep(1.2)  # each worker looks for a newly active version at most once a second
    for _ in range(4):  # both workers answer with the new version
        answer = office.post("/api/v1/match", json=NEED_FR).json()
        assert answer["model_version"] == new_version


def test_concurrent_reviews_and_suggestion_runs_are_all_kept(live: LiveService) -> None:
    office, desk = live.client("kenya"), live.client("helpdesk")
    need_id = office.post("/api/v1/needs", json=NEED_FR).json()["id"]
    suggestion = office.post(f"/api/v1/needs/{need_id}/suggestions?k=3").json()[0]["id"]
    url = f"{live.url}/api/v1/suggestions/{suggestion}/reviews"
    headers = {"Authorization": f"Bearer {live.keys['helpdesk']}"}

    runs = f"{live.url}/api/v1/needs/{need_id}/suggestions?k=2"

    def post(i: int) -> int:
        if i % 6 == 5:  # every sixth request runs the engine on the same need meanwhile
            return httpx.post(runs, headers=headers, timeout=60).status_code
        body = {"decision": ["accept", "reject", "shortlist", "unsure"][i % 4], "comment": f"review {i}"}
        return httpx.post(url, json=body, headers=headers, timeout=60).status_code

    requests = range(60)
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(post, requests))
    assert codes == [201] * 60
    history = desk.get(f"/api/v1/suggestions/{suggestion}/reviews").json()
    expected = sorted(f"review {i}" for i in requests if i % 6 != 5)
    assert len(expected) == 50
    assert sorted(r["comment"] for r in history) == expected
