"""Forms that forgive, in a real headless Chromium against a real server, at a laptop's and a phone's
width, in English and in French: blank, wrong and hostile values get an HTML page in plain words in
the page's language with what was typed kept; languages are typed as names or codes; sending the
need form twice stores one need."""

from __future__ import annotations

import re

from babel.numbers import format_decimal
from playwright.sync_api import Page, Response, expect

from api.db import get_engine
from tests.e2e.conftest import LiveService
from tests.e2e.page_language_helpers import Words, browser, desk, fits, lang, shot, size, t, width_of

__all__ = ["browser", "desk", "lang", "size", "t"]  # the module's Chromium, help desk and their settings
NOT_PLAIN = re.compile(r"^\s*[\[{]|unable to parse|Input should|\"loc\"|value_error|Traceback")
HOSTILE = "<script>document.title='owned'</script>"
HOSTILE_SHOWN = "“<script>document.title='…”"  # the pages quote what was typed, cut at 24 characters
LONG = "y" * 5000
SDG_WORDS = {"en": "zero hunger", "fr": "faim zéro"}  # SDG 2, as a user of each language types it


def plain_html(page: Page, response: Response | None) -> None:
    """The answer is an HTML page in words, the script typed in was not run, and nothing overflows."""
    assert response is not None and response.headers["content-type"].startswith("text/html")
    assert not NOT_PLAIN.search(page.locator("main").inner_text())
    assert page.title() != "owned"
    fits(page)


def submit(page: Page, button: str) -> Response | None:
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=button).click()
    return navigation.value


def test_the_queue_filter_forgives_blank_wrong_and_hostile_values(
    desk: Page, live_sqlite: LiveService, t: Words
) -> None:
    desk.goto(f"{live_sqlite.url}/queue")
    labels = {
        "region": t("Region or sub-region"),
        "country": t("Country (name or code)"),
        "sdg": t("SDG (number or name)"),
        "sector": t("Sector (code or words)"),
        "age": t("At most … days old"),
    }
    for label in labels.values():
        desk.get_by_label(label).fill("")
    answer = submit(desk, t("Filter"))
    plain_html(desk, answer)
    assert answer is not None and answer.status == 200
    expect(desk.get_by_role("alert")).to_have_count(0)

    typed = {
        labels["country"]: "Narnia",
        labels["sdg"]: HOSTILE,
        labels["sector"]: LONG,
        labels["age"]: "abc",
    }
    for label, value in typed.items():
        desk.get_by_label(label).fill(value)
    answer = submit(desk, t("Filter"))
    plain_html(desk, answer)
    alert = desk.get_by_role("alert")
    expect(alert).to_contain_text(t("We could not find a country called {value}.", value="“Narnia”"))
    expect(alert).to_contain_text(t("No {label} matches {value}.", label=t("SDG"), value=HOSTILE_SHOWN))
    expect(alert).to_contain_text(
        t("The {label} you typed is {length} characters long; a filter takes at most {limit}.",
          label=t("sector"), length=format_decimal(5000, format="#,##0", locale=t.lang), limit=200)
    )  # fmt: skip
    expect(alert).to_contain_text(t("{value} is not a whole number of 0 or more.", value="“abc”"))
    for label, value in typed.items():
        expect(desk.get_by_label(label)).to_have_value(value)
    expect(desk.get_by_label(labels["age"])).to_have_attribute("aria-invalid", "true")
    shot(desk, f"queue-filter-problems-{t.lang}-{width_of(desk)}px")

    desk.get_by_label(labels["country"]).fill("kenya")
    desk.get_by_label(labels["region"]).fill("eastern africa")
    for label in (labels["sdg"], labels["sector"], labels["age"]):
        desk.get_by_label(label).fill("")
    answer = submit(desk, t("Filter"))
    plain_html(desk, answer)
    assert answer is not None and answer.status == 200


def test_the_catalogue_search_forgives_wrong_and_hostile_values(
    desk: Page, live_sqlite: LiveService, t: Words
) -> None:
    desk.goto(f"{live_sqlite.url}/catalogue")
    name, sdg, region = (
        t("Name (fuzzy)"),
        t("SDG (number or name)"),
        t("Region served (region or sub-region)"),
    )
    typed = {name: LONG, sdg: "abc", region: HOSTILE}
    for label, value in typed.items():
        desk.get_by_label(label).fill(value)
    answer = submit(desk, t("Search"))
    plain_html(desk, answer)
    alert = desk.get_by_role("alert")
    expect(alert).to_contain_text(
        t("The {label} you typed is {length} characters long; a filter takes at most {limit}.",
          label=t("name"), length=format_decimal(5000, format="#,##0", locale=t.lang), limit=200)
    )  # fmt: skip
    expect(alert).to_contain_text(t("No {label} matches {value}.", label=t("SDG"), value="“abc”"))
    expect(alert).to_contain_text(t("{value} is not a UN region or sub-region.", value=HOSTILE_SHOWN))
    for label, value in typed.items():
        expect(desk.get_by_label(label)).to_have_value(value)

    desk.get_by_label(name).fill("")
    desk.get_by_label(sdg).fill(SDG_WORDS[t.lang])
    desk.get_by_label(region).fill("western africa")
    answer = submit(desk, t("Search"))
    plain_html(desk, answer)
    found = desk.locator("ul.results li").count()
    assert found > 0
    expect(desk.get_by_role("status")).to_have_text(t.n("%(count)s provider", "%(count)s providers", found))


def test_a_need_number_that_is_not_one_is_a_page(desk: Page, live_sqlite: LiveService, t: Words) -> None:
    answer = desk.goto(f"{live_sqlite.url}/needs/abc")
    plain_html(desk, answer)
    assert answer is not None and answer.status == 404
    expect(desk.get_by_role("alert")).to_have_text(
        t("The {field} must be a whole number; {quoted} is not.", field=t("need number"), quoted="“abc”")
    )


def test_the_need_form_keeps_what_was_typed_and_a_second_sending_stores_nothing(
    desk: Page, live_sqlite: LiveService, t: Words
) -> None:
    desk.goto(f"{live_sqlite.url}/needs/new")
    title = f"Drip irrigation kits {t.lang} {width_of(desk)}"
    country, budget = t("Country (name or ISO3)"), t("Budget in US dollars")
    languages = t("Languages (names or ISO codes, comma-separated, e.g. français, pt)")
    desk.get_by_label(country).fill("Narnia")
    desk.get_by_label(t("Title")).fill(title)
    desk.get_by_label(t("What do you need?")).fill(f"{HOSTILE} Drip irrigation kits for cooperatives.")
    desk.get_by_label(budget).fill("abc")
    answer = submit(desk, t("Find partners"))
    plain_html(desk, answer)
    expect(desk.get_by_role("alert")).to_contain_text(
        t("The budget must be a whole number of US dollars; {typed} is not.", typed="“abc”")
    )
    expect(desk.get_by_label(t("Title"))).to_have_value(title)
    expect(desk.get_by_label(budget)).to_have_value("abc")

    desk.get_by_label(budget).fill("")
    answer = submit(desk, t("Find partners"))
    plain_html(desk, answer)
    not_understood = "We could not understand the {label} {value}."
    expect(desk.get_by_role("alert")).to_contain_text(t(not_understood, label=t("country"), value="“Narnia”"))
    expect(desk.get_by_label(country)).to_have_value("Narnia")

    desk.get_by_label(country).fill("Senegal")
    desk.get_by_label(languages).fill(
        "português, klingon"
    )  # a language is a name in the four languages or a code
    answer = submit(desk, t("Find partners"))
    plain_html(desk, answer)
    expect(desk.get_by_role("alert")).to_contain_text(
        t(not_understood, label=t("language"), value="“klingon”")
    )
    expect(desk.get_by_label(languages)).to_have_value("português, klingon")

    desk.goto(f"{live_sqlite.url}/needs/new")  # a clean form: the one a user sends, then goes back to
    desk.get_by_label(country).fill("Senegal")
    desk.get_by_label(t("Title")).fill(title)
    desk.get_by_label(t("What do you need?")).fill("Drip irrigation kits for cooperatives.")
    desk.get_by_label(languages).fill("português, Français, en")
    submit(desk, t("Find partners"))
    expect(desk.get_by_role("heading", name=title)).to_be_visible()
    need_path = desk.url.removeprefix(live_sqlite.url)

    desk.go_back()
    expect(desk.get_by_label(t("Title"))).to_have_value(title)
    answer = submit(desk, t("Find partners"))
    plain_html(desk, answer)
    assert answer is not None and answer.status == 409
    expect(desk.get_by_role("alert")).to_contain_text(
        t("This form was already sent, and its need was stored once; it was not stored again.")
    )
    desk.get_by_role("link", name=t("Open the need you sent")).click()
    assert desk.url.removeprefix(live_sqlite.url) == need_path
    assert stored_languages(live_sqlite, title) == [["pt", "fr", "en"]]


def stored_languages(live: LiveService, title: str) -> list[list[str]]:
    """The working languages of each need stored with the title: one need, the names read as codes."""
    from sqlmodel import Session, select

    from models import Need

    with Session(get_engine(live.settings.database_url)) as session:
        return [need.languages for need in session.exec(select(Need).where(Need.title == title))]
