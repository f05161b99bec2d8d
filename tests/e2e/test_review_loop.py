"""The review loop as the help desk works it, in a real headless Chromium against a real server, at a
laptop's and a phone's width: a decision is confirmed as saved and says who made it, running the
engine again asks first and keeps the decision, an accepted triad is followed to "agreed" (a
partnership of the history), and the need is closed with its outcome and leaves the queue."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from api.db import get_engine
from models import Need, NeedStatus, Partnership
from tests.e2e.conftest import LiveService
from tests.e2e.test_pages import browser, desk, shot

__all__ = ["browser", "desk"]  # the module's Chromium and signed-in help desk, from test_pages


def fits(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def test_a_decision_survives_a_rerun_and_the_triad_is_followed_to_a_closed_need(
    desk: Page, live_sqlite: LiveService
) -> None:
    width = desk.viewport_size["width"] if desk.viewport_size else 0
    title = f"Fish smoking ovens for women's cooperatives {width}"
    me = f"{live_sqlite.keys['helpdesk'][:12]} (helpdesk)"
    desk.goto(f"{live_sqlite.url}/needs/new")
    desk.get_by_label("Country (name or ISO3)").fill("Senegal")
    desk.get_by_label("Title").fill(title)
    desk.get_by_label("What do you need?").fill(
        "Improved fish smoking ovens and training for women processors."
    )
    desk.get_by_role("button", name="Find partners").click()
    expect(desk.get_by_role("heading", name=title)).to_be_visible()
    need_path = desk.url.removeprefix(live_sqlite.url)

    first = desk.locator("li.suggestion").first
    first.get_by_label("accept").check()
    first.get_by_label("Comment", exact=True).fill("Good fit, call the provider")
    first.get_by_role("button", name="Save decision on #1").click()
    expect(desk.get_by_role("status")).to_have_text("Decision saved on #1: accept.")
    first = desk.locator("li.suggestion").first
    expect(first.locator("ol.history li")).to_have_text(
        re.compile(
            rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d UTC · accept by {re.escape(me)} — “Good fit, call the provider”$"
        )
    )
    fits(desk)
    desk.reload()
    expect(desk.get_by_text("Decision saved on #1")).to_have_count(0)  # shown once

    desk.get_by_role("button", name="Run the engine again").click()
    expect(desk.get_by_role("heading", name=f"Run the engine again for “{title}”?")).to_be_visible()
    expect(desk.locator(".run-again-effect")).to_contain_text(
        "The help desk has decided on 1 triad of this need (1 decision in all). Nothing is lost"
    )
    fits(desk)
    shot(desk, f"run-again-confirm-{width}px")
    desk.get_by_role("button", name="Yes, run the engine again").click()
    expect(desk.get_by_role("status")).to_contain_text(
        "The engine ran again: 0 new, 0 dropped, 0 moved, 10 at the same rank."
    )
    expect(desk.get_by_role("heading", name="What changed since the previous run")).to_be_visible()
    first = desk.locator("li.suggestion").first
    expect(first.locator(".current-decision")).to_have_text(
        re.compile(
            rf"^Current decision: accept by {re.escape(me)} on .+ UTC \(already decided on an earlier run"
        )
    )

    first.get_by_label("Agreed: the partners agreed to work together").check()
    first.get_by_role("button", name="Save the outcome of #1").click()
    expect(desk.get_by_role("status")).to_contain_text("It is now a partnership of the history")
    expect(desk.locator("li.suggestion").first.locator(".current-outcome")).to_contain_text(
        f"Outcome: agreed by {me}"
    )
    fits(desk)
    shot(desk, f"triad-agreed-{width}px")

    desk.locator("details.close-need summary").click()
    desk.get_by_label("Partnered: a triad was agreed").check()
    desk.get_by_role("button", name="Close the need").click()
    expect(desk.get_by_role("status")).to_have_text(
        "Need closed: Partnered: a triad was agreed. It has left the review queue."
    )
    expect(desk.locator("dd.need-status")).to_contain_text(
        f"closed — Partnered: a triad was agreed; closed by {me}"
    )
    expect(desk.locator("details.close-need")).to_have_count(0)
    fits(desk)
    desk.goto(f"{live_sqlite.url}/queue")
    expect(desk.get_by_role("link", name=title)).to_have_count(0)

    need_id = int(need_path.rsplit("/", 1)[1])
    with Session(get_engine(live_sqlite.settings.database_url)) as session:
        need = session.get(Need, need_id)
        assert need is not None and need.status == NeedStatus.closed
        made = session.exec(
            select(Partnership).where(col(Partnership.id).startswith(f"helpdesk-{need_id}-"))
        ).all()
        assert [(p.title, p.source_name, p.beneficiaries) for p in made] == [(title, "help desk", ["SEN"])]
