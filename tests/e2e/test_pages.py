"""The pages in a real headless Chromium (Debian's), driven by Playwright, against a real server."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from api.db import get_engine
from api.model_registry import train_version
from tests.e2e.conftest import LiveService

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
FRENCH_TITLE = "Cantines scolaires et achats aux petits producteurs"
SOLAR_TITLE = "Solar irrigation pumps for Senegalese smallholders"
UNDP_CAVEAT = "United Nations Development Programme rarely lists technology transfer"
SIZES = [(1366, 900), (390, 844)]  # a laptop's and a phone's viewport


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}px")
def desk(request: pytest.FixtureRequest, browser: Browser, live_sqlite: LiveService) -> Iterator[Page]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live_sqlite.url}/login")
    page.get_by_label("API key").fill(live_sqlite.keys["helpdesk"])
    page.get_by_role("button", name="Sign in").click()
    yield page
    context.close()


def signed_in(browser: Browser, live: LiveService, who: str, width: int = 1200) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live.url}/login")
    page.get_by_label("API key").fill(live.keys[who])
    page.get_by_role("button", name="Sign in").click()
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_journeys_in_the_browser(browser: Browser, live_sqlite: LiveService) -> None:
    live = live_sqlite
    # a country office states a need in French and sees ranked triads
    office = signed_in(browser, live, "kenya")
    expect(office.get_by_role("heading", name="Needs of KEN")).to_be_visible()
    office.get_by_role("link", name="State a need").first.click()
    office.get_by_label("Title").fill(FRENCH_TITLE)
    office.get_by_label("What do you need?").fill(
        "Nous voulons des cantines scolaires approvisionnées par les petits producteurs locaux, avec une loi."
    )
    office.get_by_label("SDGs").select_option(["2", "4"])
    office.get_by_label(re.compile("^Sectors")).fill("alimentation scolaire")
    office.get_by_label("Technical assistance").check()
    office.get_by_label(re.compile("^Languages")).fill("fr, en")
    shot(office, "need-form")
    office.get_by_role("button", name="Find partners").click()
    expect(office.get_by_role("heading", name=FRENCH_TITLE)).to_be_visible()
    expect(office.locator("li.suggestion")).to_have_count(10)
    expect(office.locator("li.suggestion svg").first).to_be_visible()
    shot(office, "need-country-office")
    need_url = office.url

    # the help desk opens the queue, reads the waterfall, accepts one and rejects another
    desk = signed_in(browser, live, "helpdesk")
    expect(desk.get_by_role("heading", name="Review queue")).to_be_visible()
    shot(desk, "queue")
    desk.get_by_role("link", name=FRENCH_TITLE).click()
    first = desk.locator("li.suggestion").nth(0)
    expect(first.locator("svg title")).to_contain_text("adds up to the score")
    first.get_by_label("accept").check()
    first.get_by_role("button", name="Save decision on #1").click()
    second = desk.locator("li.suggestion").nth(1)
    second.get_by_label("reject").check()
    second.get_by_label("Comment").fill("too far from the need")
    second.get_by_role("button", name="Save decision on #2").click()
    expect(desk.locator("li.suggestion").nth(0).locator("ol.history")).to_contain_text("accept")
    expect(desk.locator("li.suggestion").nth(1).locator("ol.history")).to_contain_text(
        f"reject by {live.keys['helpdesk'][:12]} (helpdesk) — “too far from the need”"
    )
    expect(desk.locator("li.suggestion").nth(0).locator(".decision")).to_have_text("accept")
    shot(desk, "need-helpdesk")

    # a data scientist activates another model version
    candidate = train_version(
        get_engine(live.settings.database_url), live.settings.model_dir, "prior", activate_if_first=False
    )
    scientist = signed_in(browser, live, "scientist", width=1366)
    expect(scientist.get_by_role("heading", name="Model versions")).to_be_visible()
    seeded = scientist.locator("tr", has_text="active").locator("td.version").first.inner_text()
    scientist.get_by_role("button", name=f"Activate {candidate.id}").click()
    expect(scientist.get_by_role("heading", name=f"Activate {candidate.id}?")).to_be_visible()
    expect(scientist.get_by_text(f"It replaces {seeded} as the active model")).to_be_visible()
    scientist.get_by_role("button", name=f"Yes, activate {candidate.id}").click()
    expect(scientist.get_by_role("status")).to_have_text(f"{candidate.id} is now the active version")
    row = scientist.get_by_role("row").filter(has_text=candidate.id)
    expect(row).to_contain_text("active")
    assert scientist.evaluate("document.documentElement.scrollWidth") <= 1366 + 1  # the table fits
    shot(scientist, "models")
    # and rolls back, so the seeded model serves the other tests on this server again
    scientist.get_by_role("button", name=f"Roll back to {seeded}").click()
    expect(scientist.get_by_role("heading", name=f"Roll back to {seeded}?")).to_be_visible()
    scientist.get_by_role("button", name=f"Yes, roll back to {seeded}").click()
    expect(scientist.get_by_role("row").filter(has_text=candidate.id)).to_contain_text("retired")
    time.sleep(1.2)  # each worker looks for a newly active version at most once a second

    # readable at 360 px
    narrow = signed_in(browser, live, "kenya", width=360)
    narrow.goto(need_url)
    expect(narrow.get_by_role("heading", name=FRENCH_TITLE)).to_be_visible()
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    shot(narrow, "need-360px")


def test_no_page_shows_another_countrys_needs_to_a_country_office(
    browser: Browser, live_sqlite: LiveService
) -> None:
    live = live_sqlite
    kenya = signed_in(browser, live, "kenya")
    kenya.goto(f"{live.url}/needs/new")
    kenya.get_by_label("Title").fill("Secret Kenyan need about geothermal drilling")
    kenya.get_by_label("What do you need?").fill("Geothermal drilling expertise for the Rift Valley.")
    kenya.get_by_role("button", name="Find partners").click()
    kenyan_url = kenya.url

    mozambique = signed_in(browser, live, "mozambique")
    visited = []
    for path in (
        "/",
        "/needs",
        "/queue",
        "/catalogue",
        "/models",
        "/needs/new",
        kenyan_url.removeprefix(live.url),
    ):
        response = mozambique.goto(f"{live.url}{path}")
        assert response is not None
        visited.append((path, response.status))
        body = mozambique.content()
        assert "Secret Kenyan need" not in body and "Rift Valley" not in body, path
    statuses = dict(visited)
    assert statuses["/queue"] == 403 and statuses["/models"] == 403
    assert statuses[kenyan_url.removeprefix(live.url)] == 404
    for link in mozambique.goto(f"{live.url}/needs") and mozambique.locator("table a").all():
        assert "Secret Kenyan" not in (link.text_content() or "")


def test_forms_without_the_csrf_token_are_refused(live_sqlite: LiveService) -> None:
    import httpx

    with httpx.Client(base_url=live_sqlite.url) as client:
        client.get("/login")
        response = client.post("/login", data={"key": live_sqlite.keys["helpdesk"]})
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_the_need_page_shows_match_strength_caveats_and_other_facilitators(
    browser: Browser, live_sqlite: LiveService
) -> None:
    live = live_sqlite
    desk = signed_in(browser, live, "helpdesk", width=1366)
    desk.goto(f"{live.url}/needs/new")
    desk.get_by_label("Country (name or ISO3)").fill("Senegal")
    desk.get_by_label("Title").fill(SOLAR_TITLE)
    desk.get_by_label("What do you need?").fill("Solar irrigation pumps for smallholder farmers.")
    desk.get_by_label("Technology transfer").check()
    desk.get_by_role("button", name="Find partners").click()
    expect(desk.get_by_role("heading", name=SOLAR_TITLE)).to_be_visible()
    triads = desk.locator("li.suggestion")
    expect(triads.first.locator(".strength")).to_contain_text(
        re.compile(r"Match strength: \d{1,3}% — stronger than \d{1,3}% of the real partnerships")
    )
    expect(triads.first).to_contain_text("(log-odds; orders the list)")

    # another facilitator for the same provider, folded away in a details element
    other = triads.first.locator("details.alternatives")
    summary = re.compile(r"Other facilitators for .+\(match strength \d")
    expect(other.locator("summary")).to_contain_text(summary)
    expect(other.locator("li").first).not_to_be_visible()
    other.locator("summary").click()
    expect(other.locator("li").first).to_be_visible()

    # a modality UNDP does not list is a caveat, marked as one
    undp = triads.filter(has=desk.locator("h3", has_text="with United Nations Development Programme")).first
    caveat = undp.locator("ul.caveats li", has_text=UNDP_CAVEAT)
    expect(caveat).to_have_text(f"Caveat: {UNDP_CAVEAT}")
    expect(undp.locator("ul.reasons")).not_to_contain_text(UNDP_CAVEAT)

    # the contribution table names the direction in words; the waterfall still draws
    undp.locator("details", has_text="contributions").locator("summary").click()
    row = undp.get_by_role("row").filter(has_text="facilitator.modality_unsupported")
    expect(row).to_contain_text("lowers the score")
    expect(row).to_contain_text("Requested support rarely offered by facilitator")
    expect(undp.locator("svg.waterfall text").first).to_have_text(
        "Starting point: how often such triads occur"
    )
    assert undp.locator("svg.waterfall rect").count() <= 8
    provider_link = undp.locator("h3 a").first
    expect(provider_link).to_have_attribute("href", re.compile(r"^/catalogue/provider/[A-Z]{3}"))
    expect(undp.locator("svg title")).to_contain_text("adds up to the score")
    shot(desk, "need-alternatives-1366px")

    narrow = signed_in(browser, live, "helpdesk", width=390)
    narrow.goto(desk.url)
    expect(narrow.get_by_role("heading", name=SOLAR_TITLE)).to_be_visible()
    narrow.locator("li.suggestion").first.locator("details.alternatives summary").click()
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    # the waterfall's words stay legible on a phone: at least 12 px tall as drawn
    label_heights = (
        narrow.locator("li.suggestion")
        .first.locator("svg.waterfall text")
        .evaluate_all("texts => texts.map(t => t.getBoundingClientRect().height)")
    )
    assert label_heights and min(label_heights) >= 12, label_heights
    shot(narrow, "need-alternatives-390px")
