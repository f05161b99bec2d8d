"""Every route × every role: who may do what, and what a country office may see."""

from __future__ import annotations

import pytest

from tests.api.conftest import Service

ROLES = ("kenya", "helpdesk", "scientist", "admin")
KEN_NEED = {"country": "KEN", "text": "Community health workers with digital tools.", "sdg": [3]}


@pytest.fixture(scope="module")
def ids(service: Service) -> dict[str, object]:
    client = service.client
    ken = client.post("/api/v1/needs", json=KEN_NEED, headers=service.as_("helpdesk")).json()["id"]
    moz = client.post(
        "/api/v1/needs", json={**KEN_NEED, "country": "MOZ"}, headers=service.as_("helpdesk")
    ).json()["id"]
    suggestion = client.post(f"/api/v1/needs/{ken}/suggestions?k=2", headers=service.as_("helpdesk")).json()[
        0
    ]["id"]
    other = client.post(f"/api/v1/needs/{moz}/suggestions?k=2", headers=service.as_("helpdesk")).json()[0][
        "id"
    ]
    return {"ken": ken, "moz": moz, "suggestion": suggestion, "other_suggestion": other}


# (method, path, body, expected status for kenya, helpdesk, scientist, admin)
MATRIX = [
    ("GET", "/api/v1/needs", None, (200, 200, 200, 200)),
    ("POST", "/api/v1/needs", KEN_NEED, (201, 201, 403, 201)),
    ("GET", "/api/v1/needs/{ken}", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/needs/{moz}", None, (404, 200, 200, 200)),
    # the help desk closes it, so the admin after it finds it closed (409)
    ("POST", "/api/v1/needs/{moz}/close", {"outcome": "withdrawn"}, (403, 200, 403, 409)),
    ("POST", "/api/v1/needs/{ken}/suggestions?k=1", None, (201, 201, 403, 201)),
    ("POST", "/api/v1/needs/{moz}/suggestions?k=1", None, (404, 201, 403, 201)),
    ("GET", "/api/v1/needs/{ken}/suggestions", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/needs/{moz}/suggestions", None, (404, 200, 200, 200)),
    ("POST", "/api/v1/match", {**KEN_NEED, "k": 1}, (200, 200, 200, 200)),
    ("POST", "/api/v1/match", {**KEN_NEED, "country": "MOZ", "k": 1}, (403, 200, 200, 200)),
    ("POST", "/api/v1/suggestions/{suggestion}/reviews", {"decision": "unsure"}, (403, 201, 403, 201)),
    ("GET", "/api/v1/suggestions/{suggestion}/reviews", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/suggestions/{other_suggestion}/reviews", None, (404, 200, 200, 200)),
    ("GET", "/api/v1/countries", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/countries/KEN", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/providers", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/providers/BRA", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/facilitators", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/facilitators/UNDP", None, (200, 200, 200, 200)),
    (
        "POST",
        "/api/v1/providers",
        {"id": "BRA", "name": "Brazil", "kind": "country", "country": "BRA"},
        (403, 403, 403, 409),
    ),
    ("PATCH", "/api/v1/providers/NOPE", {"description": "x"}, (403, 403, 403, 404)),
    (
        "POST",
        "/api/v1/facilitators",
        {"id": "UNDP", "name": "UNDP", "kind": "un_entity"},
        (403, 403, 403, 409),
    ),
    ("PATCH", "/api/v1/facilitators/NOPE", {"description": "x"}, (403, 403, 403, 404)),
    ("GET", "/api/v1/catalogue/changes", None, (403, 200, 200, 200)),
    ("GET", "/api/v1/models", None, (403, 403, 200, 200)),
    ("POST", "/api/v1/models/train", {"ranker": "no-such-ranker"}, (403, 403, 422, 422)),
    ("GET", "/api/v1/models/jobs/999999", None, (403, 403, 404, 404)),
    ("POST", "/api/v1/models/no-such-version/evaluate", None, (403, 403, 404, 404)),
    ("POST", "/api/v1/models/no-such-version/activate", None, (403, 403, 404, 404)),
    ("POST", "/api/v1/models/rollback", None, (403, 403, 409, 409)),
    ("POST", "/api/v1/imports", None, (403, 403, 403, 422)),
    ("GET", "/api/v1/imports/999999", None, (403, 403, 403, 404)),
]


PLACEHOLDERS = [
    ("{ken}", "{need_id}"),
    ("{moz}", "{need_id}"),
    ("{suggestion}", "{suggestion_id}"),
    ("{other_suggestion}", "{suggestion_id}"),
    ("/KEN", "/{iso3}"),
    ("/BRA", "/{provider_id}"),
    ("/UNDP", "/{facilitator_id}"),
    ("providers/NOPE", "providers/{provider_id}"),
    ("facilitators/NOPE", "facilitators/{facilitator_id}"),
    ("999999", "{job_id}"),
    ("no-such-version", "{version_id}"),
]


def test_the_matrix_covers_every_api_route(service: Service) -> None:
    routes = {
        (method.upper(), path)
        for path, methods in service.client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        if path.startswith("/api/")
        for method in methods
    }
    covered = set()
    for method, path, _, _ in MATRIX:
        bare = path.split("?")[0]
        for name, placeholder in PLACEHOLDERS:
            bare = bare.replace(name, placeholder)
        covered.add((method, bare))
    assert routes <= covered, routes - covered


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
def test_route_by_role(
    service: Service, ids: dict[str, object], method: str, path: str, body: dict | None, expected: tuple
) -> None:
    url = path.format(**ids)
    for who, status in zip(ROLES, expected, strict=True):
        response = service.client.request(method, url, json=body, headers=service.as_(who))
        assert response.status_code == status, (who, method, url, response.text)
        assert response.headers["content-type"].startswith("application/json")
