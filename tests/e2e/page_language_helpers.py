"""What the browser tests share: Debian's Chromium, the help desk signed in at a width and in a
language, the languages and widths, and the pages' words in a test's language.

`Words` reads the pages' own gettext catalogues (api/pages/locales, through `page_language`), so an
assertion names the English text once and holds in every language. Outside English, every message
asked for must have a translation that differs from the English: a message the catalogue lacks
fails the test, instead of letting an untranslated page pass as "the same in French"."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, expect, sync_playwright

from api.pages.page_language import CATALOGUES, DEFAULT, translations
from tests.e2e.conftest import LiveService

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
LANGUAGES = ("en", "fr")
SIZES = [(1366, 900), (390, 844)]  # a laptop's and a phone's viewport
BROWSER_LOCALES = {"en": "en-US", "fr": "fr-FR"}  # the context's locale is its Accept-Language
NAMES = {"en": "English", "fr": "Français"}  # the header's language links
FIELD = re.compile(r"%\((?P<percent>\w+)\)s|\{(?P<brace>[^{}]+)\}")
TAG = re.compile(r"<[^<>]+>")  # a message's markup (`<strong>` in a {% trans %} block): not read


def plain_spaces(text: str) -> str:
    """Whitespace as Playwright's text matchers compare it: no-break spaces are spaces, runs are one."""
    return " ".join(text.split())


def as_read(message: str, fields: Mapping[str, Any]) -> str:
    """The message filled as the page's text reads: without the message's own markup (what fills
    it is kept as it is, `<script>` typed by someone included), spaces made plain."""
    return plain_spaces(_filled(TAG.sub("", message), fields))


@dataclass(frozen=True)
class Words:
    lang: str

    def __call__(self, message: str, /, **fields: Any) -> str:
        """The message in the language, its fields filled as the page fills them: `%(name)s` as
        the templates' `_()` and `{% trans %}`, `{name}` as the Python messages' `str.format`."""
        return as_read(self._translated(message, message), fields)

    def n(self, singular: str, plural: str, count: int, /, **fields: Any) -> str:
        """A message with a plural form, as `{% trans count=… %}…{% pluralize %}` or `ngettext`."""
        translated = translations(self.lang).ngettext(singular, plural, count)
        english = singular if count == 1 else plural
        return as_read(self._checked(english, translated), {"count": count, **fields})

    def pattern(self, message: str, /, **known: str | re.Pattern[str]) -> re.Pattern[str]:
        """The message in the language as a regular expression: each `known` field as given (a
        text, or a pattern), any other field any text; a space matches any whitespace."""
        translated = TAG.sub("", self._translated(message, message))
        percent = "%(" in translated or "%%" in translated
        parts, position = [], 0
        for found in FIELD.finditer(translated):
            parts.append(_literal(translated[position : found.start()], percent))
            value = known.get(found["percent"] or re.split(r"[:!]", found["brace"])[0])
            parts.append(".+?" if value is None else _field(value))
            position = found.end()
        parts.append(_literal(translated[position:], percent))
        return re.compile("".join(parts))

    def same(self, message: str) -> str:
        """A word the language writes as English does ("active", "candidate" in French): the
        catalogue must still hold it, translated (as itself) and not fuzzy."""
        if self.lang != DEFAULT:
            entry = _catalogue(self.lang).get(message)
            if entry is None or not entry.string or entry.fuzzy:
                raise AssertionError(f"the {self.lang} catalogue has no translation of {message!r}")
        return plain_spaces(message)

    def _translated(self, message: str, english: str) -> str:
        return self._checked(english, translations(self.lang).gettext(message))

    def _checked(self, english: str, translated: str) -> str:
        if self.lang != DEFAULT and translated == english:
            raise AssertionError(f"the {self.lang} catalogue has no translation of {english!r}")
        return translated


@cache
def _catalogue(lang: str) -> Catalog:
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=lang)


def _filled(message: str, fields: Mapping[str, Any]) -> str:
    if "%(" in message or "%%" in message:
        return message % dict(fields)
    return message.format(**fields) if fields else message


def _literal(text: str, percent: bool) -> str:
    text = text.replace("%%", "%") if percent else text.replace("{{", "{").replace("}}", "}")
    return r"\s+".join(re.escape(part) for part in re.split(r"\s+", text))


def _field(value: str | re.Pattern[str]) -> str:
    return (
        f"(?:{value.pattern})"
        if isinstance(value, re.Pattern)
        else r"\s+".join(map(re.escape, value.split()))
    )


@pytest.fixture(params=SIZES, ids=lambda size: f"{size[0]}px")
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    width, height = request.param
    return width, height


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def t(lang: str) -> Words:
    return Words(lang)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def desk(browser: Browser, live_sqlite: LiveService, size: tuple[int, int], lang: str) -> Iterator[Page]:
    """The help desk signed in, at the test's width, in the test's language."""
    page = signed_in_context(browser, live_sqlite, "helpdesk", size, lang)
    yield page
    page.context.close()


def signed_in_context(
    browser: Browser, live: LiveService, who: str, size: tuple[int, int], lang: str
) -> Page:
    """A new browser context whose Accept-Language asks for `lang`, signed in through the sign-in
    form read in that language; the page it lands on is in the language."""
    t = Words(lang)
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, locale=BROWSER_LOCALES[lang]
    )
    page = context.new_page()
    page.goto(f"{live.url}/login")
    page.get_by_label(t("API key")).fill(live.keys[who])
    with page.expect_navigation():
        page.get_by_role("button", name=t("Sign in")).click()
    in_language(page, lang)
    return page


def in_language(page: Page, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)


def width_of(page: Page) -> int:
    return page.viewport_size["width"] if page.viewport_size else 0


def fits(page: Page) -> None:
    """Nothing runs off the side of the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width_of(page) + 1


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
