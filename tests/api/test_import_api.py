"""POST /api/v1/imports on both backends: the job's report is the CLI's, a second upload changes nothing,
a dry run and a malformed file store nothing, only an admin may, and the profile pages name the source.

Each test uploads files no other test imports, so they hold in any order on the shared database."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from api.db import get_engine
from features.paths import fixtures_dir
from models import Partnership, PartnershipFacilitator, PartnershipProvider
from tests.api.conftest import Service

IATI = Path(__file__).parents[1] / "features" / "iati"
TRIANGULAR, FRENCH, MALFORMED = IATI / "triangular.xml", IATI / "francais.xml", IATI / "malformed.xml"

TRIANGULAR_REPORT = {
    "imported": 2,
    "updated": 0,
    "unchanged": 0,
    "skipped": [
        {
            "id": "GB-GOV-1-300417-101",
            "why": "collaboration-type 1 and no Southern implementing organisation "
            "from outside the recipient countries",
        },
        {
            "id": "BR-ABC-2018-MZ-07",
            "why": "collaboration-type 1 and no funding or extending organisation "
            "from outside the implementer's and the recipients' countries",
        },
    ],
    "unresolved": [
        {
            "id": "XM-DAC-5-7-2019.2105.7-001",
            "field": "provider",
            "name": "Ministerio de Agricultura, Ganadería y Alimentación",
        },
        {"id": "XM-DAC-701-8-MZ-2021-0042", "field": "facilitator", "name": "Ministry of Magic Cooperation"},
    ],
}


def counts(service: Service) -> dict[str, int]:
    with Session(get_engine(service.settings.database_url)) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Partnership, PartnershipProvider, PartnershipFacilitator)
        }


def upload(
    service: Service, name: str, content: bytes, file_format: str = "iati", who: str = "admin", **form: str
) -> Any:
    return service.client.post(
        "/api/v1/imports",
        files={"file": (name, content, "application/octet-stream")},
        data={"format": file_format, **form},
        headers=service.as_(who),
    )


def finished_job(service: Service, response: Any) -> dict[str, Any]:
    """The job after its background run (TestClient runs background tasks before it returns)."""
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    job = service.client.get(f"/api/v1/imports/{response.json()['id']}", headers=service.as_("admin"))
    assert job.status_code == 200, job.text
    body: dict[str, Any] = job.json()
    assert body["finished_at"] is not None
    return body


def test_an_upload_is_imported_with_the_cli_report_and_a_second_changes_nothing(service: Service) -> None:
    before = counts(service)
    first = finished_job(service, upload(service, "triangular.xml", TRIANGULAR.read_bytes()))
    assert (first["status"], first["report"], first["errors"]) == ("done", TRIANGULAR_REPORT, [])
    assert (first["format"], first["file_name"], first["dry_run"]) == ("iati", "triangular.xml", False)
    loaded = counts(service)
    assert {k: loaded[k] - before[k] for k in loaded} == {
        "Partnership": 2,
        "PartnershipProvider": 2,
        "PartnershipFacilitator": 2,
    }
    second = finished_job(service, upload(service, "triangular.xml", TRIANGULAR.read_bytes()))
    assert second["report"] == {**TRIANGULAR_REPORT, "imported": 0, "unchanged": 2}
    assert counts(service) == loaded


def test_a_dry_run_reports_and_stores_nothing(service: Service) -> None:
    before = counts(service)
    job = finished_job(service, upload(service, "francais.xml", FRENCH.read_bytes(), dry_run="true"))
    assert (job["status"], job["dry_run"]) == ("done", True)
    assert job["report"] == {
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": [],
        "unresolved": [
            {"id": "XM-DAC-41114-PROJECT-00112233", "field": "beneficiary", "name": "XX"},
            {"id": "XM-DAC-41114-PROJECT-00112233", "field": "sector", "name": "42010"},
        ],
    }
    assert counts(service) == before


def test_a_malformed_file_fails_the_job_naming_file_line_and_element_and_stores_nothing(
    service: Service,
) -> None:
    before = counts(service)
    job = finished_job(service, upload(service, "malformed.xml", MALFORMED.read_bytes()))
    assert (job["status"], job["report"]) == ("failed", None)
    assert job["errors"] == [
        {
            "file": "malformed.xml",
            "line": 9,
            "element": "participating-org",
            "why": "is not well-formed XML (not well-formed (invalid token))",
        }
    ]
    assert counts(service) == before


def test_only_an_admin_may_import_or_poll(service: Service) -> None:
    job = finished_job(service, upload(service, "malformed.xml", MALFORMED.read_bytes()))
    before = counts(service)
    for who in ("kenya", "helpdesk", "scientist"):
        refused = upload(service, "triangular.xml", TRIANGULAR.read_bytes(), who=who)
        assert refused.status_code == 403, (who, refused.text)
        assert refused.json() == {"detail": "this action needs one of the roles: admin"}
        poll = service.client.get(f"/api/v1/imports/{job['id']}", headers=service.as_(who))
        assert poll.status_code == 403, (who, poll.text)
    assert counts(service) == before


def test_a_bad_format_or_a_missing_file_is_a_422_naming_the_field(service: Service) -> None:
    before = counts(service)
    wrong = upload(service, "triangular.xml", TRIANGULAR.read_bytes(), file_format="json")
    assert wrong.status_code == 422, wrong.text
    assert [(e["field"], e["message"]) for e in wrong.json()["detail"]] == [
        ("format", "Input should be 'iati' or 'csv'")
    ]
    missing = service.client.post("/api/v1/imports", data={"format": "iati"}, headers=service.as_("admin"))
    assert missing.status_code == 422, missing.text
    assert [e["field"] for e in missing.json()["detail"]] == ["file"]
    unnamed = upload(service, "..", TRIANGULAR.read_bytes())
    assert unnamed.status_code == 422, unnamed.text
    assert [e["field"] for e in unnamed.json()["detail"]] == ["file"]
    assert counts(service) == before


def test_an_upload_over_the_default_body_limit_is_taken_up_to_the_import_limit(service: Service) -> None:
    padding = b"<!--" + b" " * service.settings.max_body_bytes + b"-->\n"
    large = TRIANGULAR.read_bytes().replace(b"<iati-activities", padding + b"<iati-activities", 1)
    job = finished_job(service, upload(service, "triangular-large.xml", large, dry_run="true"))
    assert job["status"] == "done", job["errors"]
    too_large = b" " * (service.settings.max_import_bytes + 1)
    refused = upload(service, "huge.xml", too_large)
    assert refused.status_code == 413
    elsewhere = service.client.post(
        "/api/v1/match", content=padding, headers={**service.as_("admin"), "Content-Type": "application/json"}
    )
    assert elsewhere.status_code == 413


def agency_csv() -> bytes:
    """One row in partnerships.csv's columns: the first fixture row, as an agency would fill it."""
    with (fixtures_dir() / "partnerships.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    row = {**first, "id": "AGENCY-API-001", "title": "Seed banks for Mozambique", "provider": "BRA (Embrapa)"}
    row.update(beneficiary_countries="Moçambique", facilitator="JICA", sectors="agriculture", sdgs="2")
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return text.getvalue().encode("utf-8")


def page_text(service: Service, path: str) -> str:
    client = service.client
    csrf = client.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/login", data={"key": service.keys["helpdesk"], "csrf": csrf}, follow_redirects=False)
    try:
        response = client.get(path)
        assert response.status_code == 200, response.text
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.text)).split())
    finally:
        client.cookies.clear()


def test_the_profile_pages_say_where_each_partnership_came_from(service: Service) -> None:
    # francais.xml under another identifier and name, so no other test's file is imported here
    pnud = FRENCH.read_bytes().replace(b"PROJECT-00112233", b"PROJECT-00445566")
    assert finished_job(service, upload(service, "pnud.xml", pnud))["status"] == "done"
    agency = finished_job(service, upload(service, "agency.csv", agency_csv(), "csv"))
    assert agency["report"]["imported"] == 1
    undp = page_text(service, "/catalogue/facilitators/UNDP")
    assert "IATI file pnud.xml · XM-DAC-41114-PROJECT-00445566" in undp
    seeded = "UNDP South-South projects mapping data file (UNDP-Data/dv-south-south-viz, row 182)"
    assert seeded in undp  # a partnership of the seeded history keeps its published source
    embrapa = page_text(service, "/catalogue/providers/BRA-EMBRAPA")
    assert "CSV file agency.csv" in embrapa
