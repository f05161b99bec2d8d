"""A double click on the need form, against a real two-worker server on both backends: two posts of
the same form, with the same one-time token and the same session cookie, sent at the same moment,
store one need; the other post is told, in words, where that need is."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlmodel import Session, col, select

from api.db import get_engine
from models import Need, UsedFormToken
from tests.e2e.conftest import LiveService

ROUNDS = 3


def field(html: str, name: str) -> str:
    return html.split(f'name="{name}" value="')[1].split('"')[0]


def signed_in_cookies(live: LiveService) -> httpx.Cookies:
    with httpx.Client(base_url=live.url, timeout=60) as client:
        csrf = field(client.get("/login").text, "csrf")
        client.post("/login", data={"key": live.keys["helpdesk"], "csrf": csrf})
        return client.cookies


def test_two_simultaneous_posts_of_one_form_store_one_need(live: LiveService) -> None:
    cookies = signed_in_cookies(live)
    engine = get_engine(live.settings.database_url)
    for round_ in range(ROUNDS):
        with httpx.Client(base_url=live.url, cookies=cookies, timeout=60) as client:
            form_page = client.get("/needs/new").text
            cookies = client.cookies  # the session now holds the form's token
        title = f"Double click {round_}: cold chain for fish"
        text = "Cold chain for artisanal fish landings."
        data = {"csrf": field(form_page, "csrf"), "form_token": field(form_page, "form_token"),
                "country": "Senegal", "title": title, "text": text}  # fmt: skip
        start = threading.Barrier(2)

        def send(
            data: dict[str, str] = data, start: threading.Barrier = start, cookies: httpx.Cookies = cookies
        ) -> httpx.Response:
            with httpx.Client(base_url=live.url, cookies=cookies, timeout=60) as client:
                start.wait()
                return client.post("/needs/new", data=data, follow_redirects=False)

        with ThreadPoolExecutor(2) as pool:
            answers = sorted(pool.map(lambda _: send(), range(2)), key=lambda r: r.status_code)

        with Session(engine) as session:
            stored = session.exec(select(Need).where(Need.title == title)).all()
            assert len(stored) == 1, f"round {round_}: {len(stored)} needs stored"
            (need,) = stored
            tokens = session.exec(select(UsedFormToken).where(col(UsedFormToken.need_id) == need.id)).all()
            assert len(tokens) == 1
        assert [a.status_code for a in answers] == [303, 409]
        assert answers[0].headers["location"] == f"/needs/{need.id}"
        refused = answers[1]
        assert refused.headers["content-type"].startswith("text/html")
        assert (
            "This form was already sent, and its need was stored once; it was not stored again."
            in refused.text
        )
        assert f'href="/needs/{need.id}"' in refused.text
