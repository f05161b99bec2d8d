"""Forms that forgive, without a browser: blank is no filter, names and words work as codes do, and
what cannot be understood is said in plain words on an HTML page, with what was typed kept."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tests.api.conftest import Service

RAW_VALIDATOR = re.compile(r"unable to parse|Input should|value_error|type_error|\"loc\"|\{\"detail\"")
LONG = "x" * 5000


@pytest.fixture()
def desk(service: Service) -> Iterator[Service]:
    """The service's client signed in to the pages as the help desk."""
    service.sign_in_pages("helpdesk")
    yield service
    service.client.cookies.clear()


def page(service: Service, path: str, **params: str) -> tuple[int, str]:
    response = service.client.get(path, params=params)
    assert response.headers["content-type"].startswith("text/html"), response.text[:300]
    assert not RAW_VALIDATOR.search(response.text), response.text[:300]
    return response.status_code, html.unescape(" ".join(response.text.split()))


def field_value(text: str, name: str) -> str:
    found = re.search(rf'<input id="{name}" name="{name}" value="([^"]*)"', text)
    assert found, f"no {name} field"
    return found.group(1)


def test_blank_queue_filters_are_no_filter(desk: Service) -> None:
    status, text = page(desk, "/queue", region="", country="", sdg="", sector="", status="", max_age_days="")
    assert status == 200
    assert "Some filters were not understood" not in text


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("max_age_days", "abc", "“abc” is not a whole number of 0 or more."),
        ("max_age_days", "-3", "“-3” is not a whole number of 0 or more."),
        ("country", "Narnia", "We could not find a country called “Narnia”."),
        ("sdg", "<script>alert(1)</script>", "No SDG matches “<script>alert(1)</script…”."),
        ("sector", "zzzqqq", "No sector matches “zzzqqq”."),
        ("region", "Atlantis", "“Atlantis” is not a UN region or sub-region."),
        ("country", LONG, "The country you typed is 5,000 characters long; a filter takes at most 200."),
    ],
)
def test_a_queue_filter_not_understood_is_said_in_words_and_kept(
    desk: Service, field: str, typed: str, said: str
) -> None:
    status, text = page(desk, "/queue", **{field: typed})
    assert status == 422
    assert said in text
    assert field_value(text, field) == typed
    assert "<script>alert" not in desk.client.get("/queue", params={field: typed}).text


def test_queue_filters_take_names_words_and_sub_regions(desk: Service) -> None:
    need = {"country": "Kenya", "title": "Geothermal drilling", "text": "Geothermal drilling.",
            "sector": ["energy"], "sdg": [7]}  # fmt: skip
    made = desk.client.post("/api/v1/needs", json=need, headers=desk.as_("helpdesk")).json()
    desk.client.post(f"/api/v1/needs/{made['id']}/suggestions", headers=desk.as_("helpdesk"))
    understood = [
        {"country": "kenya"},
        {"country": "KE"},
        {"region": "eastern africa"},
        {"sdg": "7"},
        {"sdg": "Affordable and clean energy"},
        {"country": "Kenya", "max_age_days": "1"},
    ]
    for params in understood:
        status, text = page(desk, "/queue", **params)
        assert status == 200, (params, text[:400])
        assert "Geothermal drilling" in text, params
    status, text = page(desk, "/queue", country="Mozambique")
    assert status == 200 and "Geothermal drilling" not in text


def test_the_paging_links_keep_the_filters_as_typed(desk: Service) -> None:
    status, text = page(desk, "/queue", country="Côte d'Ivoire", page="abc")
    assert status == 422 and "“abc” is not a whole number of 1 or more." in text
    assert field_value(text, "country") == "Côte d'Ivoire"


def test_catalogue_search_forgives_blank_words_and_hostile_values(desk: Service) -> None:
    status, text = page(desk, "/catalogue", q="", kind="providers", sdg="", sector="", region="")
    assert status == 200 and "Some filters were not understood" not in text
    status, words = page(desk, "/catalogue", sector="school feeding", region="eastern africa")
    assert status == 200 and int(re.search(r"(\d+) providers", words).group(1)) > 0  # type: ignore[union-attr]
    for field, typed, said in [
        ("sdg", "abc", "No SDG matches “abc”."),
        ("region", "<script>", "“<script>” is not a UN region or sub-region."),
        ("kind", "robots", "“robots” is not a kind we know. Did you mean: providers, facilitators?"),
        ("q", LONG, "The name you typed is 5,000 characters long; a filter takes at most 200."),
    ]:
        status, text = page(desk, "/catalogue", **{field: typed})
        assert status == 422 and said in text, (field, text[:500])
        if field != "kind":
            assert field_value(text, field) == typed


def test_a_need_number_that_is_not_one_is_a_page_in_words(desk: Service) -> None:
    status, text = page(desk, "/needs/abc")
    assert status == 404
    assert "The need number must be a whole number; “abc” is not." in text


def test_a_database_outage_on_a_page_is_a_page_and_the_api_keeps_its_json(
    desk: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr("api.pages.queue_pages.latest_suggestions", down)
    response = desk.client.get("/queue")
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.headers["content-type"].startswith("text/html")
    assert "The database is not answering just now" in response.text
    monkeypatch.setattr("api.pages.queue_pages.latest_suggestions", pool_timeout)
    response = desk.client.get("/queue")
    assert response.status_code == 503 and "The service is busy just now" in response.text


def pool_timeout(*args: object, **kwargs: object) -> None:
    raise PoolTimeout("QueuePool limit reached")


def need_form(service: Service) -> dict[str, str]:
    text = service.client.get("/needs/new").text
    return {name: text.split(f'name="{name}" value="')[1].split('"')[0] for name in ("csrf", "form_token")}


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"text": ""}, "Please write what you need."),
        ({"budget_usd": "abc"}, "The budget must be a whole number of US dollars; “abc” is not."),
        ({"title": LONG}, "The title is too long; it takes at most 300 characters."),
        ({"country": "Narnia"}, "We could not understand the country “Narnia”."),
        ({"sdg": "abc"}, "Choose the SDGs from the list."),
        ({"language": "klingon"}, "We could not understand the language “klingon”."),
        (
            {"text": "<script>alert(1)</script> \x00"},
            "The “What do you need?” holds the control character U+0000",
        ),
    ],
)
def test_the_need_form_says_what_is_wrong_in_words_and_keeps_what_was_typed(
    desk: Service, fields: dict[str, str], said: str
) -> None:
    sent = {"country": "Senegal", "title": "Solar pumps", "text": "Solar irrigation pumps.", **fields}
    response = desk.client.post("/needs/new", data={**need_form(desk), **sent}, follow_redirects=False)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    text = html.unescape(" ".join(response.text.split()))
    assert said in text and not RAW_VALIDATOR.search(text)
    assert "<script>alert" not in response.text
    if fields.get("title") == LONG:
        assert f'value="{LONG}"' in response.text
    elif "country" in fields:
        assert field_value(text, "country") == "Narnia"


def test_sending_the_need_form_twice_stores_one_need_and_links_to_it(desk: Service) -> None:
    form = {**need_form(desk), "country": "Senegal", "text": "Drip irrigation kits for cooperatives."}
    first = desk.client.post("/needs/new", data=form, follow_redirects=False)
    assert first.status_code == 303
    again = desk.client.post("/needs/new", data=form, follow_redirects=False)
    assert again.status_code == 409
    assert "This form was already sent, and its need was stored once" in again.text
    assert f'href="{first.headers["location"]}">Open the need you sent' in again.text
    made = desk.client.get("/api/v1/needs", headers=desk.as_("helpdesk")).json()
    assert sum(n["text"] == form["text"] for n in made["data"]) == 1


def test_a_need_form_without_a_live_token_is_shown_again_not_stored(desk: Service) -> None:
    form = {**need_form(desk), "form_token": "forged", "country": "Senegal", "text": "Forged form text."}
    response = desk.client.post("/needs/new", data=form, follow_redirects=False)
    assert response.status_code == 422 and "Check what you typed and send it again" in response.text
    assert "Forged form text." in response.text
