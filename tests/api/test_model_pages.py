"""The Models page: train and evaluate from the page, activate and roll back after a confirmation
that names the version restored or replaced."""

from __future__ import annotations

import re

from tests.api.conftest import Service


def signed_in(service: Service, who: str) -> str:
    client = service.client
    csrf = re.findall(r'name="csrf" value="([^"]+)"', client.get("/login").text)[0]
    client.post("/login", data={"key": service.keys[who], "csrf": csrf}, follow_redirects=False)
    return re.findall(r'name="csrf" value="([^"]+)"', client.get("/catalogue").text)[0]


def active_id(service: Service) -> str:
    rows = service.client.get("/api/v1/models", headers=service.as_("scientist")).json()
    return next(r["id"] for r in rows if r["status"] == "active")


def test_train_from_the_page_then_activate_and_roll_back_with_confirmations(service: Service) -> None:
    csrf = signed_in(service, "scientist")
    client, before = service.client, active_id(service)

    started = client.post("/models/train", data={"ranker": "prior", "csrf": csrf}, follow_redirects=False)
    assert started.status_code == 303 and "done=started" in started.headers["location"]
    page = client.get("/models").text
    job = re.search(r"<td>(\d+)</td><td>train prior</td><td class=\"status\">(\w+)</td>", page)
    assert job and job.group(2) == "done"  # TestClient runs the background task before answering
    new = re.findall(r'<td class="version">(prior-[0-9T]+)</td><td>candidate</td>', page)[0]

    asked = client.post(f"/models/{new}/activate", data={"csrf": csrf})
    assert asked.status_code == 200 and f"Activate {new}?" in asked.text
    assert f"It replaces {before} as the active model" in asked.text
    assert active_id(service) == before  # nothing changes until it is confirmed
    done = client.post(f"/models/{new}/activate", data={"csrf": csrf, "confirm": "yes"})
    assert f"{new} is now the active version" in done.text and active_id(service) == new

    asked = client.post("/models/rollback", data={"csrf": csrf})
    assert f"Roll back to {before}?" in asked.text and f"It replaces {new}" in asked.text
    done = client.post("/models/rollback", data={"csrf": csrf, "confirm": "yes"})
    assert f"Rolled back: {before} is the active version again" in done.text
    assert active_id(service) == before


def test_an_unknown_ranker_is_said_in_plain_words(service: Service) -> None:
    csrf = signed_in(service, "scientist")
    answer = service.client.post("/models/train", data={"ranker": "<script>", "csrf": csrf})
    assert answer.status_code == 200
    assert "There is no ranker called &#39;&lt;script&gt;&#39;; choose one from the list" in answer.text
