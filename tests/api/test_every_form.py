"""Every form the pages show, walked with blank, wrong, hostile and overlong values in each field,
and with a wrong number in its address: each answer is an HTML page in words (never JSON, never a
validator's text, never a server error) and what was typed is never run as markup.

The forms are found by reading the pages, so a form added later is walked without a new test."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx
import pytest

from api.db import get_engine
from api.model_registry import train_version
from tests.api.conftest import Service

HOSTILE = "<script>document.title='owned'</script>"
BAD_VALUES = {"blank": "", "wrong": "zz-not-a-value-42", "hostile": HOSTILE, "long": "y" * 5000}
WRONG_NUMBERS = ("abc", "0", "999999999")
RAW = re.compile(r"unable to parse|Input should|value_error|type_error|\"loc\"|\{\"detail\"|Traceback")
NUMBERED = re.compile(r"/[^/]*[0-9][^/]*")  # an address segment naming one row: /12, /learned-2026…
SIGNING_OUT = "/logout"  # walked last: it ends the session the others need


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> its offered values, default first

    @property
    def kind(self) -> str:
        """The action with its numbers as {id}: one form of each kind is walked."""
        return f"{self.method} {NUMBERED.sub('/{id}', self.action)}"

    def defaults(self) -> dict[str, str]:
        return {name: values[0] if values else "" for name, values in self.fields.items()}


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif not self.forms or "name" not in a:
            if tag == "option" and self._select:
                self._offer(self._select, a.get("value", ""), "selected" in a)
        elif tag == "input" and a.get("type") == "radio":
            self._offer(a["name"], a.get("value", ""), "checked" in a)
        elif tag in ("input", "textarea"):
            self.forms[-1].fields[a["name"]] = [a.get("value", "")]
        elif tag == "select":
            self._select = a["name"]
            self.forms[-1].fields[a["name"]] = []
        elif tag == "option" and self._select:
            self._offer(self._select, a.get("value", ""), "selected" in a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def _offer(self, name: str, value: str, chosen: bool) -> None:
        values = self.forms[-1].fields.setdefault(name, [])
        values.insert(0, value) if chosen else values.append(value)


def read_page(text: str) -> FormReader:
    reader = FormReader()
    reader.feed(text)
    return reader


def forms_of(text: str) -> list[Form]:
    return read_page(text).forms


def in_words(response: httpx.Response, what: str) -> None:
    """The answer is an HTML page without a validator's text, a trace, or the hostile script as markup."""
    status, text = response.status_code, response.text
    assert status < 500, f"{what}: {status} {text[:300]}"
    assert response.headers["content-type"].startswith("text/html"), f"{what}: {text[:300]}"
    assert not RAW.search(text), f"{what}: {RAW.search(text)} in {text[:300]}"
    assert HOSTILE not in text, f"{what}: the typed script came back as markup"


@pytest.fixture()
def admin(service: Service) -> Iterator[Service]:
    """Signed in to the pages with the admin key, who sees every page and every form."""
    service.sign_in_pages("admin")
    yield service
    service.client.cookies.clear()


# the values a person would type where a field's default is blank, so that each bad value is
# tried beside good ones (the need form's text is required, for one)
TYPED = {"country": "Senegal", "text": "Improved fish smoking ovens for women's cooperatives."}
Source = tuple[str, str]  # (method, path) of the page that shows a form


def fetch(service: Service, source: Source, csrf: str) -> str:
    method, path = source
    client = service.client
    answer = client.get(path) if method == "get" else client.post(path, data={"csrf": csrf})
    in_words(answer, f"{method.upper()} {path}")
    return answer.text


def pages_with_every_form(service: Service) -> tuple[list[Source], str]:
    """A need with a run and an accepted triad, so that its review, outcome, compare, run-again and
    close forms are all shown; the other pages with forms; the confirmation of an activation."""
    client = service.client
    new_need = {f.action: f for f in forms_of(client.get("/needs/new").text)}["/needs/new"]
    answer = client.post("/needs/new", data={**new_need.defaults(), **TYPED, "title": "Fish ovens"})
    need = str(answer.url.path)
    assert re.fullmatch(r"/needs/[0-9]+", need), answer.text[:300]
    review = next(f for f in forms_of(client.get(need).text) if f.action.endswith("/review"))
    client.post(review.action, data={**review.defaults(), "decision": "accept"})
    csrf = {f.action: f for f in forms_of(client.get("/models").text)}["/models/train"].defaults()["csrf"]
    # a second version, activated, so that the page offers an activation and a roll-back
    engine = get_engine(service.settings.database_url)
    second = train_version(engine, service.settings.model_dir, "prior", activate_if_first=False)
    client.post(f"/models/{second.id}/activate", data={"csrf": csrf, "confirm": "yes"})
    models = client.get("/models").text
    sources = [
        ("get", p) for p in (need, f"{need}/run-again", "/queue", "/catalogue", "/needs/new", "/models")
    ]
    activations = re.findall(r'action="(/models/[^"/]+/activate)"', models)
    return sources + [("post", a) for a in activations[:1]] + [("post", "/models/rollback")], csrf


def walk_order(kind: str) -> tuple[bool, bool]:
    """Closing the need and signing out come last: the other forms need the open need and the session."""
    return kind.endswith(SIGNING_OUT), kind.endswith("/close")


def test_every_form_answers_a_page_in_words_whatever_is_typed(admin: Service) -> None:
    client = admin.client
    sources, csrf = pages_with_every_form(admin)
    walked: dict[str, tuple[Source, Form]] = {}
    links: set[str] = set()
    for source in sources:
        page = read_page(fetch(admin, source, csrf))
        links |= set(page.links)
        for form in page.forms:
            walked.setdefault(form.kind, (source, form))
    broken = [link for link in sorted(links) if client.get(link).status_code != 200]
    assert not broken, broken  # every link these pages show leads somewhere (profiles, CSVs, pages)
    expected = {"post /needs/new", "get /queue", "get /catalogue", "post /suggestions/{id}/review",
                "post /suggestions/{id}/outcome", "get /needs/{id}/compare", "get /needs/{id}/run-again",
                "post /needs/{id}/suggest", "post /needs/{id}/close", "post /models/train",
                "post /models/{id}/evaluate", "post /models/{id}/activate", "post /models/rollback",
                "post /logout"}  # fmt: skip
    assert expected <= set(walked), sorted(expected - set(walked))
    sent = 0
    for kind in sorted(walked, key=walk_order):
        source, form = walked[kind]
        for name in form.fields:
            for label, value in BAD_VALUES.items():
                if kind == "post /needs/new":  # its one-time token is spent by each sending
                    form = {f.kind: f for f in forms_of(fetch(admin, source, csrf))}[kind]
                good = {n: v or TYPED.get(n, v) for n, v in form.defaults().items()}
                data = {**good, name: value}
                answer = (
                    client.get(form.action, params=data)
                    if form.method == "get"
                    else client.post(form.action, data=data)
                )
                in_words(answer, f"{kind} with {name} {label}")
                sent += 1
        for number in WRONG_NUMBERS if "{id}" in kind else ():
            action = NUMBERED.sub(f"/{number}", form.action, count=1)
            data = form.defaults()
            answer = (
                client.get(action, params=data) if form.method == "get" else client.post(action, data=data)
            )
            in_words(answer, f"{kind} at {action}")
            sent += 1
    assert sent >= 150, sent  # every field of every kind of form, four ways, and the wrong numbers
    admin.client.cookies.clear()
    wait_for_jobs(admin)


def wait_for_jobs(service: Service) -> None:
    """A blank ranker is the default one, so the walk started a training job: let it end before
    the database goes (the page says when none is running)."""
    client = service.client
    service.sign_in_pages("admin")
    deadline = time.monotonic() + 180
    while 'http-equiv="refresh"' in client.get("/models").text and time.monotonic() < deadline:
        time.sleep(0.5)


@pytest.mark.parametrize("value", list(BAD_VALUES.values()), ids=list(BAD_VALUES))
def test_signing_in_with_a_blank_wrong_or_hostile_key_is_a_page_in_words(
    service: Service, value: str
) -> None:
    client = service.client
    client.cookies.clear()
    login = next(f for f in forms_of(client.get("/login").text) if f.action == "/login")
    for name in login.fields:
        in_words(client.post("/login", data={**login.defaults(), name: value}), f"/login with {name}")


@pytest.mark.parametrize("value", list(BAD_VALUES.values()), ids=list(BAD_VALUES))
def test_a_page_asked_in_a_blank_wrong_or_hostile_language_is_a_page_in_words(
    admin: Service, value: str
) -> None:
    for path in ("/queue", "/login", "/models"):
        in_words(admin.client.get(path, params={"lang": value}), f"{path}?lang={value[:20]}")
