"""A need's triads as CSV: the ranked order, reasons, caveats and the current decision with who
made it; only for those who may see the need; no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

from api.pages.export_pages import TRIAD_COLUMNS, safe_cell
from tests.api.conftest import Service
from tests.api.test_model_pages import signed_in

NEED = {"country": "KEN", "text": "School feeding from local smallholder farms.", "sdg": [2]}


def test_a_needs_triads_download_as_csv_with_their_decisions(service: Service) -> None:
    desk = service.as_("helpdesk")
    need = service.client.post("/api/v1/needs", json=NEED, headers=desk).json()
    suggestions = service.client.post(f"/api/v1/needs/{need['id']}/suggestions", headers=desk).json()
    second = suggestions[1]
    review = {"decision": "shortlist", "comment": '=HYPERLINK("x")'}
    assert (
        service.client.post(
            f"/api/v1/suggestions/{second['id']}/reviews", json=review, headers=desk
        ).status_code
        == 201
    )

    signed_in(service, "helpdesk")
    answer = service.client.get(f"/needs/{need['id']}/triads.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert f'filename="need-{need["id"]}-triads.csv"' in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert tuple(rows[0]) == TRIAD_COLUMNS
    body = [dict(zip(TRIAD_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert [r["rank"] for r in body] == [str(s["rank"]) for s in suggestions]
    assert [r["provider"] for r in body] == [s["provider"]["name"] for s in suggestions]
    assert body[0]["reasons"].split(" | ")[0] == suggestions[0]["reasons"][0]
    assert (body[1]["decision"], body[1]["comment"]) == ("shortlist", '\'=HYPERLINK("x")')
    assert body[1]["decided by (key)"] == "3" and body[0]["decision"] == ""  # the help desk key is third

    signed_in(service, "mozambique")
    other = service.client.get(f"/needs/{need['id']}/triads.csv")
    assert other.status_code == 404 and "text/html" in other.headers["content-type"]


def test_formula_cells_are_defused() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+3", "-2", "@SUM", "plain", 7)] == [
        "'=1+1",
        "'+3",
        "'-2",
        "'@SUM",
        "plain",
        7,
    ]
