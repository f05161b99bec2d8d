"""Review work is never lost, on both backends: a decision carries over to a new run that proposes
the same triad, re-running asks first and then says what changed, the history says who decided and
when, a saved decision is confirmed once, and the help desk (only) closes a need with its outcome."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any

from sqlmodel import Session, col, func, select

from api.db import get_engine
from api.needs_store import store_suggestions
from api.pages.review_loop_pages import changes_in_words
from api.review_carry_over import run_changes
from api.security import create_key
from models import Need, NeedClosure, NeedStatus, Review, Role, Suggestion
from tests.api.conftest import Service

SCHOOL_MEALS = {
    "country": "Mozambique",
    "title": "School meals from local farms",
    "text": "Programa nacional de alimentação escolar com compras locais dos pequenos agricultores.",
    "sdg": [2, 4],
    "sector": ["school feeding"],
}


@contextmanager
def signed_in(service: Service, key: str) -> Iterator[str]:
    """The test client signed in to the pages with `key`; yields the session's CSRF token."""
    client = service.client
    csrf = client.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/login", data={"key": key, "csrf": csrf}, follow_redirects=False)
    try:
        yield client.get("/needs").text.split('name="csrf" value="')[1].split('"')[0]
    finally:
        client.cookies.clear()


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def suggestion(row_id: int, rank: int, provider: str, facilitator: str | None) -> Suggestion:
    return Suggestion(id=row_id, need_id=1, run_id="r", rank=rank, score=0.0, prior=0.0, provider_id=provider,
                      facilitator_id=facilitator, model_version="m", data_snapshot="d")  # fmt: skip


def test_run_changes_tells_new_dropped_and_moved_triads_apart() -> None:
    before = [suggestion(1, 1, "BRA", "WFP"), suggestion(2, 2, "IND", None), suggestion(3, 3, "CHN", "UNDP")]
    after = [suggestion(4, 1, "IND", None), suggestion(5, 2, "BRA", "WFP"), suggestion(6, 3, "CHN", "WFP")]
    changes = run_changes(before, after)
    assert [(r.provider_id, r.facilitator_id) for r in changes.new] == [("CHN", "WFP")]
    assert [(r.provider_id, r.facilitator_id) for r in changes.dropped] == [("CHN", "UNDP")]
    assert [(r.provider_id, b, a) for r, b, a in changes.moved] == [("IND", 2, 1), ("BRA", 1, 2)]
    assert changes_in_words(changes) == "1 new, 1 dropped, 2 moved, 0 at the same rank"


def test_a_decision_carries_over_to_a_new_run_and_the_page_says_who_and_when(service: Service) -> None:
    engine = get_engine(service.settings.database_url)
    amina = create_key(engine, Role.helpdesk, label="Amina Diallo")[1]
    need = service.client.post("/api/v1/needs", json=SCHOOL_MEALS, headers=service.as_("helpdesk")).json()
    first = service.client.post(f"/api/v1/needs/{need['id']}/suggestions", headers=service.as_("helpdesk"))
    top = first.json()[0]
    with signed_in(service, amina) as csrf:
        saved = service.client.post(
            f"/suggestions/{top['id']}/review",
            data={"decision": "accept", "comment": "Brazil's programme fits", "csrf": csrf},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == f"/needs/{need['id']}#suggestion-{top['id']}"
        page = words(service.client.get(f"/needs/{need['id']}").text)
        assert "Decision saved on #1: accept." in page
        assert "Decision saved on #1" not in words(service.client.get(f"/needs/{need['id']}").text)  # once

        # running again asks first, and says how many decisions there are and that they carry over
        unconfirmed = service.client.post(
            f"/needs/{need['id']}/suggest", data={"csrf": csrf}, follow_redirects=False
        )
        assert unconfirmed.headers["location"] == f"/needs/{need['id']}/run-again"
        asked = words(service.client.get(f"/needs/{need['id']}/run-again").text)
        assert "The help desk has decided on 1 triad of this need (1 decision in all)." in asked
        assert "a decision carries over to every triad the new run proposes again" in asked
        with Session(engine) as session:
            assert (
                session.exec(
                    select(func.count()).select_from(Suggestion).where(Suggestion.need_id == need["id"])
                ).one()
                == 10
            )

        ran = service.client.post(f"/needs/{need['id']}/suggest", data={"csrf": csrf, "confirm": "yes"})
        page = words(ran.text)
        assert "The engine ran again: 0 new, 0 dropped, 0 moved, 10 at the same rank." in page

    with Session(engine) as session:
        runs = session.exec(
            select(Suggestion.run_id).where(Suggestion.need_id == need["id"]).distinct()
        ).all()
        assert len(runs) == 2  # the earlier run is kept
        new_top = session.exec(
            select(Suggestion)
            .where(Suggestion.need_id == need["id"], Suggestion.rank == 1)
            .order_by(col(Suggestion.id).desc())
        ).first()
        assert new_top is not None and new_top.id != top["id"]
        assert session.exec(select(func.count()).select_from(Review)).one() >= 1
    item = ran.text.split(f'id="suggestion-{new_top.id}"')[1].split('<li id="suggestion-')[0]
    assert re.search(
        r"Current decision: <strong class=\"decision\">accept</strong> by Amina Diallo \(helpdesk\) on "
        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC \(already decided on an earlier run of the engine\)",
        item,
    )
    assert re.search(r"UTC · accept by Amina Diallo \(helpdesk\) — “Brazil&#39;s programme fits”", item)
    listed = service.client.get(
        f"/api/v1/needs/{need['id']}/suggestions", headers=service.as_("helpdesk")
    ).json()
    assert [s["decision"] for s in listed] == ["accept"] + [None] * 9
    assert listed[0]["id"] == new_top.id


def test_the_need_page_shows_new_dropped_and_moved_triads_with_the_dropped_decisions(
    service: Service,
) -> None:
    engine = get_engine(service.settings.database_url)
    need = service.client.post("/api/v1/needs", json=SCHOOL_MEALS, headers=service.as_("helpdesk")).json()
    made = service.client.post(
        f"/api/v1/needs/{need['id']}/suggestions", headers=service.as_("helpdesk")
    ).json()
    with signed_in(service, service.keys["helpdesk"]) as csrf:
        service.client.post(
            f"/suggestions/{made[-1]['id']}/review", data={"decision": "reject", "csrf": csrf}
        )
        # a later run, as a retrained model might make it: #1 and #2 swap, the last triad is
        # dropped and the 9th comes bilateral instead (a new triad)
        changed: list[dict[str, Any]] = [dict(s) for s in made[:9]]
        changed[0], changed[1] = {**changed[1], "rank": 1}, {**changed[0], "rank": 2}
        changed[8] = {**changed[8], "facilitator": None}
        with Session(engine) as session:
            later = {
                "suggestions": changed,
                "model_version": "later",
                "data_snapshot": "later",
                "abstained": False,
            }
            store_suggestions(session, need["id"], later)
        page = words(service.client.get(f"/needs/{need['id']}").text)
    first, second, ninth, last = made[0], made[1], made[8], made[9]

    def name(s: dict[str, Any]) -> str:
        return f"{s['provider']['name']} with {s['facilitator']['name']}"

    assert "What changed since the previous run 1 new, 2 dropped, 2 moved, 6 at the same rank." in page
    assert f"New triads #9 {ninth['provider']['name']} (bilateral)" in page
    assert f"Moved {name(second)}: #2 → #1 {name(first)}: #1 → #2" in page
    assert f"was #9 {name(ninth)} — no decision" in page
    assert re.search(
        rf"was #10 {re.escape(name(last))} — decisions: reject by \S+ \(helpdesk\) on \d{{4}}-", page
    )


def test_only_the_help_desk_closes_a_need_and_a_closed_need_leaves_the_queue(service: Service) -> None:
    engine = get_engine(service.settings.database_url)
    body = {**SCHOOL_MEALS, "title": "Closing test: school meals"}
    need = service.client.post("/api/v1/needs", json=body, headers=service.as_("mozambique")).json()
    service.client.post(f"/api/v1/needs/{need['id']}/suggestions", headers=service.as_("mozambique"))
    with signed_in(service, service.keys["mozambique"]) as csrf:
        refused = service.client.post(
            f"/needs/{need['id']}/close", data={"outcome": "withdrawn", "csrf": csrf}
        )
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
        assert "this page is not for your role" in refused.text
        assert "Close this need" not in service.client.get(f"/needs/{need['id']}").text
    with signed_in(service, service.keys["helpdesk"]) as csrf:
        assert "Closing test: school meals" in service.client.get("/queue").text
        wrong = service.client.post(f"/needs/{need['id']}/close", data={"outcome": "solved?", "csrf": csrf})
        assert wrong.status_code == 422 and "Choose why the need is closed" in wrong.text
        closed = service.client.post(
            f"/needs/{need['id']}/close",
            data={"outcome": "no_suitable_partner", "comment": "No Lusophone provider free", "csrf": csrf},
        )
        page = words(closed.text)
        assert "Need closed: No suitable partner was found. It has left the review queue." in page
        assert re.search(
            r"Status closed — No suitable partner was found; closed by \S+ \(helpdesk\) on "
            r"\d{4}-\d\d-\d\d \d\d:\d\d UTC — “No Lusophone provider free”",
            page,
        )
        assert "Closing test: school meals" not in service.client.get("/queue").text
        again = service.client.post(f"/needs/{need['id']}/close", data={"outcome": "withdrawn", "csrf": csrf})
        assert again.status_code == 409
        assert f"Need {need['id']} is already closed; it was not closed again." in again.text
    with Session(engine) as session:
        stored = session.get(Need, need["id"])
        assert stored is not None and stored.status == NeedStatus.closed
        closures = session.exec(select(NeedClosure).where(NeedClosure.need_id == need["id"])).all()
        assert [(c.outcome, c.comment) for c in closures] == [
            ("no_suitable_partner", "No Lusophone provider free")
        ]


def test_the_api_closes_a_need_only_for_the_help_desk_and_only_with_an_outcome(service: Service) -> None:
    client, desk = service.client, service.as_("helpdesk")
    body = {**SCHOOL_MEALS, "title": "Closing over the API"}
    need = client.post("/api/v1/needs", json=body, headers=service.as_("mozambique")).json()
    url = f"/api/v1/needs/{need['id']}/close"
    refused = client.post(url, json={"outcome": "withdrawn"}, headers=service.as_("mozambique"))
    assert refused.status_code == 403 and refused.json() == {
        "detail": "the help desk closes a need, with its outcome; "
        "this action needs one of the roles: admin, helpdesk"
    }
    missing = client.post(url, json={"comment": "done"}, headers=desk)
    assert missing.status_code == 422
    assert [(e["field"], e["message"]) for e in missing.json()["detail"]] == [("outcome", "Field required")]
    unknown = client.post(url, json={"outcome": "solved"}, headers=desk)
    assert unknown.status_code == 422 and [e["field"] for e in unknown.json()["detail"]] == ["outcome"]
    assert "'partnered', 'no_suitable_partner' or 'withdrawn'" in unknown.json()["detail"][0]["message"]
    assert client.get(f"/api/v1/needs/{need['id']}", headers=desk).json()["status"] == "open"

    closed = client.post(url, json={"outcome": "partnered", "comment": " Agreed with WFP "}, headers=desk)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = client.post(url, json={"outcome": "withdrawn"}, headers=service.as_("admin"))
    assert again.status_code == 409
    assert again.json() == {"detail": f"Need {need['id']} is already closed; it was not closed again."}
    with Session(get_engine(service.settings.database_url)) as session:
        closures = session.exec(select(NeedClosure).where(NeedClosure.need_id == need["id"])).all()
        assert [(c.outcome, c.comment) for c in closures] == [("partnered", "Agreed with WFP")]
        assert closures[0].closed_by is not None
    with signed_in(service, service.keys["helpdesk"]):
        page = words(client.get(f"/needs/{need['id']}").text)
        assert "Status closed — Partnered: a triad was agreed; closed by " in page
        assert "— “Agreed with WFP”" in page
