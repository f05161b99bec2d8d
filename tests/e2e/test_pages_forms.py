"""Forms that forgive, in a real headless Chromium against a real server, at a laptop's and a phone's
width: blank, wrong and hostile values get an HTML page in plain words with what was typed kept, and
sending the need form twice stores one need."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Response, expect

from api.db import get_engine
from tests.e2e.conftest import LiveService
from tests.e2e.test_pages import browser, desk, shot

__all__ = ["browser", "desk"]  # the module's Chromium and signed-in help desk, from test_pages
NOT_PLAIN = re.compile(r"^\s*[\[{]|unable to parse|Input should|\"loc\"|value_error|Traceback")
HOSTILE = "<script>document.title='owned'</script>"
LONG = "y" * 5000


def plain_html(page: Page, response: Response | None) -> None:
    """The answer is an HTML page in words, the script typed in was not run, and nothing overflows."""
    assert response is not None and response.headers["content-type"].startswith("text/html")
    assert not NOT_PLAIN.search(page.locator("main").inner_text())
    assert page.title() != "owned"
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def submit(page: Page, button: str) -> Response | None:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


def test_the_queue_filter_forgives_blank_wrong_and_hostile_values(
    desk: Page, live_sqlite: LiveService
) -> None:
    desk.goto(f"{live_sqlite.url}/queue")
    for label in ("Region", "Country", "SDG", "Sector", "At most"):
        desk.get_by_label(re.compile(f"^{label}")).fill("")
    answer = submit(desk, "Filter")
    plain_html(desk, answer)
    assert answer is not None and answer.status == 200
    expect(desk.get_by_role("alert")).to_have_count(0)

    typed = {"^Country": "Narnia", "^SDG": HOSTILE, "^Sector": LONG, "^At most": "abc"}
    for label, value in typed.items():
        desk.get_by_label(re.compile(label)).fill(value)
    answer = submit(desk, "Filter")
    plain_html(desk, answer)
    alert = desk.get_by_role("alert")
    expect(alert).to_contain_text("We could not find a country called “Narnia”.")
    expect(alert).to_contain_text("No SDG matches “<script>")
    expect(alert).to_contain_text(
        "The sector you typed is 5,000 characters long; a filter takes at most 200."
    )
    expect(alert).to_contain_text("“abc” is not a whole number of 0 or more.")
    for label, value in typed.items():
        expect(desk.get_by_label(re.compile(label))).to_have_value(value)
    expect(desk.get_by_label(re.compile("^At most"))).to_have_attribute("aria-invalid", "true")
    shot(desk, f"queue-filter-problems-{desk.viewport_size['width'] if desk.viewport_size else 0}px")

    desk.get_by_label(re.compile("^Country")).fill("kenya")
    desk.get_by_label(re.compile("^Region")).fill("eastern africa")
    for label in ("^SDG", "^Sector", "^At most"):
        desk.get_by_label(re.compile(label)).fill("")
    answer = submit(desk, "Filter")
    plain_html(desk, answer)
    assert answer is not None and answer.status == 200


def test_the_catalogue_search_forgives_wrong_and_hostile_values(desk: Page, live_sqlite: LiveService) -> None:
    desk.goto(f"{live_sqlite.url}/catalogue")
    typed = {"^Name": LONG, "^SDG": "abc", "^Region": HOSTILE}
    for label, value in typed.items():
        desk.get_by_label(re.compile(label)).fill(value)
    answer = submit(desk, "Search")
    plain_html(desk, answer)
    alert = desk.get_by_role("alert")
    expect(alert).to_contain_text("The name you typed is 5,000 characters long")
    expect(alert).to_contain_text("No SDG matches “abc”.")
    expect(alert).to_contain_text("is not a UN region or sub-region.")
    for label, value in typed.items():
        expect(desk.get_by_label(re.compile(label))).to_have_value(value)

    desk.get_by_label(re.compile("^Name")).fill("")
    desk.get_by_label(re.compile("^SDG")).fill("zero hunger")
    desk.get_by_label(re.compile("^Region")).fill("western africa")
    answer = submit(desk, "Search")
    plain_html(desk, answer)
    expect(desk.get_by_role("status")).to_contain_text(re.compile(r"^[1-9]\d* providers"))


def test_a_need_number_that_is_not_one_is_a_page(desk: Page, live_sqlite: LiveService) -> None:
    answer = desk.goto(f"{live_sqlite.url}/needs/abc")
    plain_html(desk, answer)
    assert answer is not None and answer.status == 404
    expect(desk.get_by_role("alert")).to_have_text("The need number must be a whole number; “abc” is not.")


def test_the_need_form_keeps_what_was_typed_and_a_second_sending_stores_nothing(
    desk: Page, live_sqlite: LiveService
) -> None:
    desk.goto(f"{live_sqlite.url}/needs/new")
    title = f"Drip irrigation kits {desk.viewport_size['width'] if desk.viewport_size else 0}"
    desk.get_by_label("Country (name or ISO3)").fill("Narnia")
    desk.get_by_label("Title").fill(title)
    desk.get_by_label("What do you need?").fill(f"{HOSTILE} Drip irrigation kits for cooperatives.")
    desk.get_by_label("Budget in US dollars").fill("abc")
    answer = submit(desk, "Find partners")
    plain_html(desk, answer)
    expect(desk.get_by_role("alert")).to_contain_text("The budget must be a whole number of US dollars")
    expect(desk.get_by_label("Title")).to_have_value(title)
    expect(desk.get_by_label("Budget in US dollars")).to_have_value("abc")

    desk.get_by_label("Budget in US dollars").fill("")
    answer = submit(desk, "Find partners")
    plain_html(desk, answer)
    expect(desk.get_by_role("alert")).to_contain_text("We could not understand the country “Narnia”.")
    expect(desk.get_by_label("Country (name or ISO3)")).to_have_value("Narnia")

    desk.goto(f"{live_sqlite.url}/needs/new")  # a clean form: the one a user sends, then goes back to
    desk.get_by_label("Country (name or ISO3)").fill("Senegal")
    desk.get_by_label("Title").fill(title)
    desk.get_by_label("What do you need?").fill("Drip irrigation kits for cooperatives.")
    submit(desk, "Find partners")
    expect(desk.get_by_role("heading", name=title)).to_be_visible()
    need_path = desk.url.removeprefix(live_sqlite.url)

    desk.go_back()
    expect(desk.get_by_label("Title")).to_have_value(title)
    answer = submit(desk, "Find partners")
    plain_html(desk, answer)
    assert answer is not None and answer.status == 409
    expect(desk.get_by_role("alert")).to_contain_text(
        "This form was already sent, and its need was stored once"
    )
    desk.get_by_role("link", name="Open the need you sent").click()
    assert desk.url.removeprefix(live_sqlite.url) == need_path
    assert stored_with_title(live_sqlite, title) == 1


def stored_with_title(live: LiveService, title: str) -> int:
    from sqlmodel import Session, select

    from models import Need

    with Session(get_engine(live.settings.database_url)) as session:
        return len(session.exec(select(Need).where(Need.title == title)).all())
