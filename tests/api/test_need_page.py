"""The need page without a browser: match strength in words, caveats marked, other facilitators."""

from __future__ import annotations

import re

from api.pages.triad_view import triad_view
from tests.api.conftest import Service

SOLAR = {
    "country": "Senegal",
    "title": "Solar <i>irrigation</i> pumps",
    "text": "Solar irrigation pumps for smallholder farmers.",
    "modality": ["technology transfer"],
}
UNDP_CAVEAT = "United Nations Development Programme rarely lists technology transfer"


def page_text(service: Service, who: str, path: str) -> str:
    client = service.client
    csrf = client.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/login", data={"key": service.keys[who], "csrf": csrf}, follow_redirects=False)
    try:
        return " ".join(client.get(path).text.split())
    finally:
        client.cookies.clear()


def test_the_need_page_shows_strength_caveats_and_other_facilitators(service: Service) -> None:
    headers = service.as_("helpdesk")
    need = service.client.post("/api/v1/needs", json=SOLAR, headers=headers).json()
    made = service.client.post(f"/api/v1/needs/{need['id']}/suggestions", headers=headers).json()
    html = page_text(service, "helpdesk", f"/needs/{need['id']}")

    first = round(made[0]["match_strength"] * 100)
    assert (
        f"Match strength: {first}%</strong> — stronger than {first}% of the real partnerships "
        "the engine learned from" in html
    )
    assert len(re.findall(r"Match strength: \d{1,3}%", html)) == len(made)
    assert "(log-odds; orders the list)" in html
    undp = [s for s in made if (s["facilitator"] or {}).get("id") == "UNDP"]
    assert undp, "the need was meant to bring UNDP triads"
    assert f"<strong>Caveat:</strong> {UNDP_CAVEAT}" in html
    alternative = made[0]["alternatives"][0]
    name, percent = alternative["facilitator"]["name"], round(alternative["match_strength"] * 100)
    assert re.search(
        rf"<details class=\"alternatives\"> <summary>Other facilitators for {made[0]['provider']['name']}: "
        rf"{re.escape(name)} \(match strength {percent}%\)",
        html,
    )
    assert '<th scope="col">Direction</th>' in html and "<td>raises the score</td>" in html
    assert "Solar &lt;i&gt;irrigation&lt;/i&gt; pumps" in html and "<i>irrigation" not in html


def record(feature: str, contribution: float, reason: str, effect: str | None = None) -> dict:
    row = {"feature": feature, "group": "g", "value": 1.0, "contribution": contribution, "reason": reason}
    return row if effect is None else {**row, "effect": effect}


def test_caveats_are_told_apart_by_the_effect_of_their_record() -> None:
    records = [
        record("a", 2.0, "A helps", "raises"),
        record("b", -1.0, "B is a caveat", "lowers"),
        record("c", -0.1, "C is a small caveat", "lowers"),
        record("d", 0.0, "", "none"),
        record("e", -0.5, "E stored before effects"),
    ]
    alternative = {
        "facilitator": {"id": "X", "name": "X"},
        "score": 0.3,
        "match_strength": 0.614,
        "contributions": [record("a", 0.2, "small"), record("b", -3.0, "big caveat", "lowers"),
                          record("c", 1.0, "mid"), record("d", 0.5, "half"), record("e", 2.0, "")],
    }  # fmt: skip
    view = triad_view(records, ["A helps", "B is a caveat", "not in the records"], 0.824, [alternative])
    assert view.percent == 82
    assert [(r.text, r.caveat) for r in view.reasons] == [("A helps", False), ("not in the records", False)]
    caveats = ["B is a caveat", "E stored before effects", "C is a small caveat"]
    assert [r.text for r in view.caveats] == caveats
    assert view.directions == [
        "raises the score", "lowers the score", "lowers the score", "no effect", "lowers the score"
    ]  # fmt: skip
    (other,) = view.alternatives
    assert other.percent == 61
    expected = [("big caveat", True), ("mid", False), ("half", False)]
    assert [(r.text, r.caveat) for r in other.reasons] == expected


def test_a_list_stored_before_match_strength_was_kept_does_not_claim_0_percent() -> None:
    old = triad_view([record("a", 1.0, "A helps")], ["A helps"], 0.0, None)
    assert old.percent is None and old.alternatives == [] and [r.text for r in old.reasons] == ["A helps"]
    assert triad_view([], [], 0.0, []).percent == 0
