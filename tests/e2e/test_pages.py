"""The pages in a real headless Chromium (Debian's), driven by Playwright, against a real server.

Most tests run four times: at a laptop's and a phone's width, in English and in French (chosen by
the browser's Accept-Language; the header's switch has its own test), with the pages' words read
from the pages' catalogues (`Words`)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import LiveService
from tests.e2e.page_language_helpers import (
    BROWSER_LOCALES,
    NAMES,
    Words,
    browser,
    desk,
    fits,
    in_language,
    lang,
    shot,
    size,
    t,
    width_of,
)

__all__ = ["browser", "desk", "lang", "size", "t"]  # the shared fixtures: Chromium, help desk, settings
FRENCH_TITLE = "Cantines scolaires et achats aux petits producteurs"
SOLAR_TITLE = "Solar irrigation pumps for Senegalese smallholders"
SOLAR_NEED = {"country": "SEN", "title": SOLAR_TITLE, "modality": ["technology_transfer"],
              "text": "Solar irrigation pumps for the smallholder farmers."}  # fmt: skip
UNDP = "United Nations Development Programme"
INTERNAL_NAME = r"(provider|facilitator|cooperation)\.\w+"  # a feature's code, never shown as its label


def signed_in(browser: Browser, live: LiveService, who: str, width: int = 1200) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{live.url}/login")
    page.get_by_label("API key").fill(live.keys[who])
    page.get_by_role("button", name="Sign in").click()
    return page


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
    mozambique.goto(f"{live.url}/needs")
    for link in mozambique.locator("table a").all():
        assert "Secret Kenyan" not in (link.text_content() or "")


def test_forms_without_the_csrf_token_are_refused(live_sqlite: LiveService) -> None:
    import httpx

    with httpx.Client(base_url=live_sqlite.url) as client:
        client.get("/login")
        response = client.post("/login", data={"key": live_sqlite.keys["helpdesk"]})
    assert response.status_code == 403
    assert "CSRF" in response.text


@pytest.fixture(scope="module")
def solar_need(live_sqlite: LiveService) -> str:
    """One need whose explanations every (language, width) reads: its page's address."""
    with live_sqlite.client("helpdesk") as api:
        need = api.post("/api/v1/needs", json=SOLAR_NEED).raise_for_status().json()
        api.post(f"/api/v1/needs/{need['id']}/suggestions").raise_for_status()
    return f"{live_sqlite.url}/needs/{need['id']}"


def test_explanations_read_in_plain_words_and_two_triads_compare_side_by_side(
    desk: Page, solar_need: str, t: Words
) -> None:
    desk.goto(solar_need)
    expect(desk.get_by_role("heading", name=SOLAR_TITLE)).to_be_visible()
    expect(desk.locator(".need-text")).to_have_attribute("lang", "en")  # the need's own language
    triads = desk.locator("li.suggestion")
    figure = re.compile(r"\d{1,3}")
    strength = triads.first.locator(".strength")
    expect(strength).to_contain_text(t.pattern("Match strength: %(percent)s%%", percent=figure))
    expect(strength).to_contain_text(
        t.pattern(
            "stronger than %(percent)s%% of the real partnerships the engine learned from", percent=figure
        )
    )
    expect(triads.first).to_contain_text(
        t.pattern("Score %(score)s (log-odds; orders the list) · model %(model)s · %(snapshot)s")
    )

    # another facilitator for the same provider, folded away in a details element
    other = triads.first.locator("details.alternatives")
    expect(other.locator("summary")).to_contain_text(t.pattern("Other facilitators for %(provider)s:"))
    expect(other.locator("summary")).to_contain_text(
        t.pattern("match strength %(percent)s%%", percent=figure)
    )
    expect(other.locator("li").first).not_to_be_visible()
    other.locator("summary").click()
    expect(other.locator("li").first).to_be_visible()

    undp = triads.filter(has=desk.locator("h3", has_text=f"{t('with')} {UNDP}")).first
    caveat_said = t.pattern("{f.facilitator} rarely lists {f.need_modalities}", **{"f.facilitator": UNDP})
    caveat = undp.locator("ul.caveats li").filter(has_text=caveat_said)
    expect(caveat).to_have_text(re.compile(rf"^{t.pattern('Caveat:').pattern}\s+{caveat_said.pattern}$"))
    expect(undp.locator("ul.reasons")).not_to_contain_text(caveat_said)
    explained_in_words(desk, undp, t)
    shot(desk, f"need-explained-{t.lang}-{width_of(desk)}px")

    desk.get_by_label(t("Second triad")).select_option(index=2)
    desk.get_by_role("button", name=t("Compare"), exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(t("Two triads side by side"))
    compared = desk.locator(".compared")
    expect(compared.nth(1).get_by_role("heading")).to_contain_text("#3")
    boxes = [box for box in (compared.nth(0).bounding_box(), compared.nth(1).bounding_box()) if box]
    side_by_side = abs(boxes[0]["y"] - boxes[1]["y"]) < 1 and boxes[0]["x"] < boxes[1]["x"]
    assert len(boxes) == 2 and side_by_side == (width_of(desk) > 640), boxes
    expect(desk.locator("table.comparison tbody tr").first).to_contain_text(t("(differs most)"))
    assert not [label for label in desk.locator("table.comparison th[scope=row]").all_inner_texts()
                if re.match(INTERNAL_NAME, label)]  # fmt: skip
    fits(desk)


def test_a_triad_links_its_provider_and_facilitator_to_their_profiles_and_past_partnerships(
    desk: Page, solar_need: str, t: Words
) -> None:
    history = t.pattern("Partnership history (%(count)s)", count=re.compile(r"[1-9]\d*"))
    for party in (0, 1):  # the provider, then the facilitator
        desk.goto(solar_need)
        link = desk.locator("li.suggestion").first.locator("h3 a").nth(party)
        name = link.inner_text()
        with desk.expect_navigation() as opened:
            link.click()
        assert opened.value is not None and opened.value.status == 200, opened.value and opened.value.url
        expect(desk.get_by_role("heading", level=1)).to_have_text(name)
        expect(desk.get_by_role("heading", level=2)).to_have_text(history)
        listed = int(re.findall(r"\d+", desk.get_by_role("heading", level=2).inner_text())[-1])
        expect(desk.locator("table tbody tr")).to_have_count(listed)
        fits(desk)


def explained_in_words(desk: Page, triad: Locator, t: Words) -> None:
    """The contribution table and the waterfall name each feature by its plain label; the
    waterfall has at most 8 bars, the rest summed and labelled, its words legible at the width."""
    triad.locator("details:has(table.contributions) > summary").click()
    row = triad.get_by_role("row").filter(has_text="facilitator.modality_unsupported")
    expect(row).to_contain_text(t("lowers the score"))
    expect(row).to_contain_text(t("Requested support rarely offered by facilitator"))
    features = triad.locator("table.contributions tbody tr").count()
    labels = triad.locator("svg.waterfall text[x='2']")
    expect(labels.first).to_have_text(t("Starting point: how often such triads occur"))
    expect(triad.locator("svg.waterfall rect")).to_have_count(8)
    expect(labels.last).to_have_text(
        t.n("{count} smaller factor together", "{count} smaller factors together", features - 6)
    )
    assert not [label for label in labels.all_text_contents() if re.match(INTERNAL_NAME, label)]
    expect(triad.locator("svg title")).to_contain_text(
        t.pattern("Waterfall: the starting point plus each contribution adds up to the score %(score)s")
    )
    heights = labels.evaluate_all("texts => texts.map(t => t.getBoundingClientRect().height)")
    assert min(heights) >= 12, heights  # drawn at least 12 px tall, on a phone too
    fits(desk)


def test_the_language_comes_from_the_browser_then_the_header_switch_which_survives_signing_in(
    browser: Browser, live_sqlite: LiveService, size: tuple[int, int], lang: str, t: Words
) -> None:
    other = next(code for code in NAMES if code != lang)
    switched = Words(other)
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, locale=BROWSER_LOCALES[lang]
    )
    page = context.new_page()
    page.goto(f"{live_sqlite.url}/login")
    in_language(page, lang)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(t("Sign in"))
    languages = page.get_by_role("navigation", name=t("Language"))
    expect(languages.get_by_role("link", name=NAMES[lang])).to_have_attribute("aria-current", "true")

    languages.get_by_role("link", name=NAMES[other]).click()
    in_language(page, other)
    expect(heading).to_have_text(switched("Sign in"))
    page.get_by_label(switched("API key")).fill(live_sqlite.keys["helpdesk"])
    with page.expect_navigation():
        page.get_by_role("button", name=switched("Sign in")).click()
    expect(heading).to_have_text(switched("Review queue"))  # the choice outlives the sign-in form
    in_language(page, other)

    page.goto(f"{live_sqlite.url}/queue?country=Kenya")
    page.get_by_role("navigation", name=switched("Language")).get_by_role("link", name=NAMES[lang]).click()
    in_language(page, lang)
    expect(heading).to_have_text(t("Review queue"))
    expect(page.get_by_label(t("Country (name or code)"))).to_have_value("Kenya")  # the same page and query
    page.goto(f"{live_sqlite.url}/needs")
    expect(heading).to_have_text(t("All needs"))
    in_language(page, lang)
    context.close()
