"""The pages in French, Spanish and Portuguese leave no English behind: the engine's labels, reasons
and caveats, the waterfall, the comparison, the run-again summary, the enum words and the Models
page's messages are said in the session's language, with the same figures as the English."""

from __future__ import annotations

import html
import re
from functools import cache

import pytest
from babel.messages.pofile import read_po

from api.pages.page_language import CATALOGUES, translations
from tests.api.conftest import Service
from tests.api.test_page_languages import sign_in

NEED = {
    "country": "Mozambique",
    "title": "Alimentação escolar",
    "text": "Programa nacional de alimentação escolar com compras locais dos pequenos agricultores.",
    "sdg": [2, 4],
    "sector": ["school feeding", "agriculture"],
    "modality": ["technical assistance", "study visit"],
    "language": ["pt"],
    "budget_usd": 400000,
}


def visible(page: str) -> str:
    """The page's text as a person reads it (tags, scripts and styles out)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(
        r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))
    ).strip()  # keeps no-break spaces


@cache
def english_sentences(locale: str) -> frozenset[str]:
    """The catalogue's English phrases of two words or more (no placeholder): none should be left on a
    page in that language (the catalogue's names and titles hold none of them)."""
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        messages = [m for m in read_po(po) if m.id and isinstance(m.id, str)]
    return frozenset(
        m.id for m in messages if len(m.id.split()) >= 2 and not re.search(r"[{%<]", m.id) and m.string
    )


def left_in_english(page: str, locale: str) -> list[str]:
    text = visible(page)
    return sorted(m for m in english_sentences(locale) if m in text)


def items(page: str, list_class: str) -> list[str]:
    """The entries of every `<ul class=list_class>` on the page, as text."""
    lists = re.findall(rf'<ul class="{list_class}"[^>]*>(.*?)</ul>', page, flags=re.S)
    return [visible(li) for block in lists for li in re.findall(r"<li\b[^>]*>(.*?)</li>", block, flags=re.S)]


def reason_cells(page: str) -> list[str]:
    """The reason of every record in the pages' "All contributions" tables (the last cell of a row)."""
    tables = re.findall(r'<table class="contributions">(.*?)</table>', page, flags=re.S)
    rows = [row for table in tables for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]
    return [visible(re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)[-1]) for row in rows]


def figures(text: str) -> list[str]:
    """The digits of every number, whatever the language's separators ("9,407", "9 407", "9.407")."""
    return re.findall(r"\d+", text)


def letters(text: str) -> str:
    return re.sub(r"\W|\d", "", text)


@pytest.fixture(scope="module")
def need(service: Service) -> dict:
    desk = service.as_("helpdesk")
    made = service.client.post("/api/v1/needs", json=NEED, headers=desk).json()
    suggestions = service.client.post(f"/api/v1/needs/{made['id']}/suggestions", headers=desk).json()
    return {**made, "suggestions": suggestions}


@pytest.mark.parametrize("locale", ["fr", "pt"])
def test_the_need_page_says_the_engines_labels_and_reasons_in_the_language(
    service: Service, need: dict, locale: str
) -> None:
    gettext = translations(locale).gettext
    sign_in(service, "helpdesk", lang="en")
    english = service.client.get(f"/needs/{need['id']}").text
    page = service.client.get(f"/needs/{need['id']}", params={"lang": locale}).text
    service.client.cookies.clear()
    text = visible(page)
    assert f'<html lang="{locale}">' in page
    labels = {c["label"] for s in need["suggestions"] for c in s["contributions"]}
    assert len(labels) > 10
    for label in labels:
        assert label not in text and gettext(label) in text, (locale, label)
    for said, stored in ((items(page, k), items(english, k)) for k in ("reasons", "caveats")):
        said, stored = [*said, *reason_cells(page)], [*stored, *reason_cells(english)]
        assert len(said) == len(stored) > 10
        for french, original in zip(said, stored, strict=True):
            assert bool(french) == bool(original)
            assert letters(french) != letters(original) or not original, (
                french,
                original,
            )  # not re-numbered only
            assert sorted(figures(french)) == sorted(figures(original)), (french, original)
    assert 'lang="en"' not in page.split('<main id="main">')[1]  # no reason fell back to the stored English
    for s in need["suggestions"]:
        assert not [r for r in s["reasons"] if r in text], s["reasons"]
    bars = re.findall(r'<text x="2" [^>]*>([^<]+)</text>', page)
    assert bars and all(html.unescape(b) not in labels for b in bars)
    assert gettext("Starting point: how often such triads occur") in text
    assert "smaller factors together" not in text and "raises the score" not in text
    assert left_in_english(page, locale) == []


@pytest.mark.parametrize("locale", ["fr", "es"])
def test_the_comparison_says_labels_and_reasons_in_the_language(
    service: Service, need: dict, locale: str
) -> None:
    gettext = translations(locale).gettext
    first, second = need["suggestions"][0], need["suggestions"][1]
    url, picked = f"/needs/{need['id']}/compare", {"first": first["id"], "second": second["id"]}
    sign_in(service, "helpdesk", lang="en")
    english = service.client.get(url, params=picked).text
    page = service.client.get(url, params={**picked, "lang": locale}).text
    service.client.cookies.clear()
    text = visible(page)
    rows = [visible(r) for r in re.findall(r'<th scope="row">(.*?)</th>', page, flags=re.S)]
    labels = {c["label"] for s in (first, second) for c in s["contributions"]}
    assert len(rows) == len(labels) > 10
    for label in labels:
        assert label not in text and any(r.startswith(gettext(label)) for r in rows), (locale, label)
    said, stored = (
        items(page, "reasons") + items(page, "caveats"),
        items(english, "reasons") + items(english, "caveats"),
    )
    assert len(said) == len(stored) > 2
    for worded, original in zip(said, stored, strict=True):
        assert letters(worded) != letters(original) and sorted(figures(worded)) == sorted(figures(original))
    assert (
        gettext("Match strength: %(percent)s%%") % {"percent": round(first["match_strength"] * 100)} in text
    )
    assert left_in_english(page, locale) == []
