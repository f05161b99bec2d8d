"""The review queue as CSV: the same needs the page lists under the same filters (every page of
them), one row each, with cells a spreadsheet would run as formulas defused; help desk only."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.api.conftest import Service
from tests.api.test_model_pages import signed_in

HEADER = "need,title,country,country code,sub-region,SDGs,sectors,suggestions,decided,created,status"


def stated(service: Service, **need: object) -> int:
    desk = service.as_("helpdesk")
    made = service.client.post("/api/v1/needs", json=need, headers=desk).json()
    answer = service.client.post(f"/api/v1/needs/{made['id']}/suggestions", headers=desk)
    assert answer.status_code in (200, 201), answer.text
    return int(made["id"])


def test_the_queue_downloads_as_csv_with_the_pages_filters_and_no_live_formula(service: Service) -> None:
    hostile = stated(
        service, country="KEN", title="=cmd|' /C calc'!A0", text="School feeding from local farms.",
        sdg=[2], sector=["school feeding"],
    )  # fmt: skip
    plain = stated(
        service,
        country="MOZ",
        title="Water for schools",
        text="Boreholes and pumps for rural schools.",
        sdg=[6],
    )
    today = datetime.now(UTC).date().isoformat()
    signed_in(service, "helpdesk")

    page = service.client.get("/queue", params={"sdg": "2"}).text
    assert 'href="http://testserver/queue.csv?sdg=2" download>Download these needs as CSV</a>' in page

    every = service.client.get("/queue.csv")
    assert every.status_code == 200 and every.headers["content-type"] == "text/csv; charset=utf-8"
    assert every.headers["content-disposition"] == 'attachment; filename="review-queue.csv"'
    kenya = f"{hostile},'=cmd|' /C calc'!A0,Kenya,KEN,Sub-Saharan Africa,2,112,10,0,{today},open"
    lines = every.text.split("\r\n")
    assert lines[0] == HEADER
    found = {line.split(",")[0]: line for line in lines[1:] if line}
    assert found[str(hostile)] == kenya
    assert found[str(plain)].startswith(f"{plain},Water for schools,Mozambique,MOZ,Sub-Saharan Africa,6,,")

    only_sdg2 = service.client.get("/queue.csv", params={"sdg": "2", "country": "Kenya", "page": "7"}).text
    assert only_sdg2 == f"{HEADER}\r\n{kenya}\r\n"
    assert (
        service.client.get("/queue.csv", params={"country": "Mozambique", "sdg": "2"}).text == f"{HEADER}\r\n"
    )


def test_the_queue_csv_is_for_the_help_desk_only(service: Service) -> None:
    signed_in(service, "kenya")
    answer = service.client.get("/queue.csv")
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("text/html")
