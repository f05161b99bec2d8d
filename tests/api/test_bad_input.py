"""Oversized and malformed input gets a clear 4xx and leaves the database as it was."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from api.db import get_engine
from models import Need, Review, Suggestion
from tests.api.conftest import Service

NEED = {"country": "KEN", "text": "Solar pumps for smallholder irrigation.", "sdg": [7]}
INJECTIONS = [
    "'; DROP TABLE need; --",
    "<script>alert('x')</script>",
    '" OR 1=1 --',
    "Robert'); DELETE FROM review;--",
]


def row_counts(service: Service) -> tuple[int, int, int]:
    with Session(get_engine(service.settings.database_url)) as session:
        return tuple(
            session.exec(select(func.count()).select_from(t)).one() for t in (Need, Suggestion, Review)
        )  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**NEED, "text": "x" * 100_000}, 422, "text"),
        ({**NEED, "k": 1_000_000}, 422, "k"),
        ({**NEED, "modality": [7]}, 422, "modality.0"),
        ({**NEED, "sdg": ["two"]}, 422, "sdg.0"),
        ({**NEED, "budget_usd": -5}, 422, "budget_usd"),
        ({**NEED, "country": "'; DROP TABLE need; --"}, 422, "country"),
    ],
)
def test_bad_needs_are_refused_and_nothing_is_stored(
    service: Service, body: dict, status: int, field: str
) -> None:
    before = row_counts(service)
    response = service.client.post("/api/v1/needs", json=body, headers=service.as_("helpdesk"))
    assert response.status_code == status, response.text
    assert response.json()["detail"][0]["field"] == field
    assert row_counts(service) == before


def test_a_ten_megabyte_body_is_refused_before_it_is_read(service: Service) -> None:
    before = row_counts(service)
    response = service.client.post(
        "/api/v1/match", content=b"{" + b" " * 10_000_000 + b"}",
        headers={**service.as_("helpdesk"), "content-type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 413
    assert row_counts(service) == before


def test_invalid_utf8_is_a_400_saying_so(service: Service) -> None:
    response = service.client.post(
        "/api/v1/needs", content=b'{"country": "KEN", "text": "\xff\xfe bad"}',
        headers={**service.as_("helpdesk"), "content-type": "application/json"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {
        "detail": "the request body could not be read: it must be JSON encoded as UTF-8"
    }


def test_unknown_decision_is_a_422_naming_it(service: Service) -> None:
    need = service.client.post("/api/v1/needs", json=NEED, headers=service.as_("helpdesk")).json()
    suggestion = service.client.post(
        f"/api/v1/needs/{need['id']}/suggestions?k=1", headers=service.as_("helpdesk")
    ).json()[0]
    before = row_counts(service)
    response = service.client.post(
        f"/api/v1/suggestions/{suggestion['id']}/reviews",
        json={"decision": "maybe"},
        headers=service.as_("helpdesk"),
    )
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["field"] == "decision" and error["type"] == "enum"
    assert row_counts(service) == before


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_stored_as_text_and_escaped_on_pages(service: Service, text: str) -> None:
    created = service.client.post(
        "/api/v1/needs", json={**NEED, "title": text}, headers=service.as_("helpdesk")
    )
    assert created.status_code == 201
    need_id = created.json()["id"]
    assert (
        service.client.get(f"/api/v1/needs/{need_id}", headers=service.as_("helpdesk")).json()["title"]
        == text
    )
    client = service.client
    page = client.get("/login")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/login", data={"key": service.keys["helpdesk"], "csrf": csrf}, follow_redirects=False)
    html = client.get(f"/needs/{need_id}").text
    assert "<script>alert(" not in html
    if "<" in text:
        assert "&lt;script&gt;" in html
    client.cookies.clear()
