"""Two triads side by side: match strength first, every contribution by its plain label with the
rows that differ most first and marked; a wrong pick is a page in words."""

from __future__ import annotations

import html
import re

from api.pages.triad_comparison import by_label, compare_triads
from models import Suggestion
from tests.api.conftest import Service
from tests.api.test_model_pages import signed_in

NEED = {"country": "KEN", "text": "School feeding from local smallholder farms.", "sdg": [2]}


def suggestion(**contributions: float) -> Suggestion:
    records = [
        {"feature": name, "label": name.replace("_", " "), "contribution": v}
        for name, v in contributions.items()
    ]
    return Suggestion(
        need_id=1, run_id="r", rank=1, provider_id="p", prior=0.0, score=0.0, contributions=records,
        reasons=[], model_version="m", data_snapshot="d",
    )  # fmt: skip


def test_rows_are_ordered_by_how_far_apart_the_two_triads_are() -> None:
    first = suggestion(same_sector=1.0, language=0.5, distance=-0.2)
    second = suggestion(same_sector=0.1, language=0.5, history=0.3)
    rows = compare_triads(first, second).rows
    assert [(r.label, r.first, r.second, r.differs_most) for r in rows] == [
        ("same sector", 1.0, 0.1, True),
        ("history", 0.0, 0.3, True),
        ("distance", -0.2, 0.0, True),
        ("language", 0.5, 0.5, False),
    ]
    assert by_label(
        [{"feature": "a", "label": "x", "contribution": 1}, {"feature": "b", "label": "x", "contribution": 2}]
    ) == {"x": 3.0}


def test_the_need_page_offers_the_comparison_and_it_shows_both_triads(service: Service) -> None:
    desk = service.as_("helpdesk")
    need = service.client.post("/api/v1/needs", json=NEED, headers=desk).json()
    triads = service.client.post(f"/api/v1/needs/{need['id']}/suggestions", headers=desk).json()
    signed_in(service, "helpdesk")
    page = service.client.get(f"/needs/{need['id']}").text
    assert f'action="/needs/{need["id"]}/compare"' in page and "Compare two triads side by side" in page

    answer = service.client.get(
        f"/needs/{need['id']}/compare", params={"first": triads[0]["id"], "second": triads[2]["id"]}
    )
    text = html.unescape(" ".join(answer.text.split()))
    assert answer.status_code == 200
    headings = re.findall(r'<h2 id="compared-\d">(.*?)</h2>', text)
    assert [h.split(" ")[0] for h in headings] == ["#1", "#3"] and triads[2]["provider"]["name"] in headings[
        1
    ]
    strengths = re.findall(r"Match strength: (\d+)%", text)
    assert len(strengths) == 2
    assert text.index("Match strength") < text.index("Contributions by what they measure")
    assert text.count("(differs most)") >= 1

    for params, said, code in [
        ({"first": triads[0]["id"]}, "Pick two triads to compare.", 400),
        ({"first": triads[0]["id"], "second": triads[0]["id"]}, "Pick two different triads to compare.", 400),
        ({"first": triads[0]["id"], "second": "abc"}, "That triad is not in this need's latest list.", 404),
    ]:
        wrong = service.client.get(f"/needs/{need['id']}/compare", params=params)
        assert wrong.status_code == code and wrong.headers["content-type"].startswith("text/html")
        assert said in html.unescape(wrong.text)

    signed_in(service, "mozambique")
    assert (
        service.client.get(f"/needs/{need['id']}/compare", params={"first": 1, "second": 2}).status_code
        == 404
    )
