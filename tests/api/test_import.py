"""`sstc import iati` and `sstc import csv` on a seeded SQLite database: links, report, idempotence,
dry runs and all-or-nothing failures."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from api.catalogue_store import load_catalogue, store_catalogue
from api.cli import app
from api.db import create_tables, get_engine
from features.catalogue import Catalogue
from features.iati_reader import partnership_id
from features.paths import fixtures_dir
from models import Partnership, PartnershipFacilitator, PartnershipProvider

runner = CliRunner()
IATI = Path(__file__).parents[1] / "features" / "iati"
TRIANGULAR, FRENCH, MALFORMED = IATI / "triangular.xml", IATI / "francais.xml", IATI / "malformed.xml"

REPORT = {
    "imported": 3,
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
        {"id": "XM-DAC-41114-PROJECT-00112233", "field": "beneficiary", "name": "XX"},
        {"id": "XM-DAC-41114-PROJECT-00112233", "field": "sector", "name": "42010"},
    ],
}


@pytest.fixture
def database(tmp_path: Path, catalogue: Catalogue) -> str:
    url = f"sqlite:///{tmp_path / 'sstc.db'}"
    engine = get_engine(url)
    create_tables(engine)
    store_catalogue(engine, catalogue)
    return url


def sstc(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def counts(url: str) -> dict[str, int]:
    with Session(get_engine(url)) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Partnership, PartnershipProvider, PartnershipFacilitator)
        }


def links(url: str, pid: str) -> tuple[list[str], list[str], list[str]]:
    """Beneficiaries, provider ids and facilitator ids of a stored partnership."""
    record = next(r for r in load_catalogue(get_engine(url)).partnerships if r.partnership.id == pid)
    return record.partnership.beneficiaries, sorted(record.provider_ids), sorted(record.facilitator_ids)


def test_iati_import_links_each_partnership_and_reports_exactly(database: str) -> None:
    before = counts(database)
    result = sstc("import", "iati", TRIANGULAR, FRENCH, "--json", "--database-url", database)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == REPORT
    assert links(database, partnership_id("XM-DAC-5-7-2019.2105.7-001")) == (
        ["GTM", "HND"],
        ["MEX-AMEXCID"],
        ["GIZ"],
    )
    assert links(database, partnership_id("XM-DAC-701-8-MZ-2021-0042")) == (
        ["MOZ"],
        ["BRA-EMBRAPA"],
        ["JICA"],
    )
    assert links(database, partnership_id("XM-DAC-41114-PROJECT-00112233")) == (
        ["SEN", "MLI"],
        ["MAR-AMCI"],
        ["UNDP", "WFP"],
    )
    after = counts(database)
    assert {k: after[k] - before[k] for k in after} == {
        "Partnership": 3,
        "PartnershipProvider": 3,
        "PartnershipFacilitator": 4,
    }


def test_a_second_run_changes_nothing_and_an_edited_activity_is_updated(
    database: str, tmp_path: Path
) -> None:
    assert sstc("import", "iati", TRIANGULAR, FRENCH, "--database-url", database).exit_code == 0
    loaded = counts(database)
    again = sstc("import", "iati", TRIANGULAR, FRENCH, "--json", "--database-url", database)
    assert json.loads(again.stdout) == {**REPORT, "imported": 0, "unchanged": 3}
    assert counts(database) == loaded
    edited = tmp_path / "francais.xml"
    edited.write_text(FRENCH.read_text("utf-8").replace("gestion de l'eau potable", "eau potable"), "utf-8")
    third = sstc("import", "iati", TRIANGULAR, edited, "--json", "--database-url", database)
    assert json.loads(third.stdout)["updated"] == 1 and json.loads(third.stdout)["unchanged"] == 2
    assert counts(database) == loaded


def test_a_dry_run_reports_the_same_and_stores_nothing(database: str) -> None:
    before = counts(database)
    result = sstc("import", "iati", TRIANGULAR, FRENCH, "--dry-run", "--json", "--database-url", database)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == REPORT
    assert counts(database) == before
    plain = sstc("import", "iati", TRIANGULAR, "--dry-run", "--database-url", database)
    assert plain.stdout.startswith("dry run, nothing stored: 2 imported, 0 updated, 0 unchanged, 2 skipped")


def test_a_malformed_file_stops_the_import_and_stores_nothing(database: str) -> None:
    before = counts(database)
    result = sstc("import", "iati", TRIANGULAR, MALFORMED, "--json", "--database-url", database)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "errors": [
            {
                "file": "malformed.xml",
                "line": 9,
                "element": "participating-org",
                "why": "is not well-formed XML (not well-formed (invalid token))",
            }
        ]
    }
    assert "malformed.xml, line 9, element <participating-org>" in result.stderr
    assert counts(database) == before  # triangular.xml, read first and valid, is not stored either


def test_a_reseed_keeps_the_imported_partnerships(database: str, catalogue: Catalogue) -> None:
    assert sstc("import", "iati", TRIANGULAR, "--database-url", database).exit_code == 0
    loaded = counts(database)
    store_catalogue(get_engine(database), catalogue)
    assert counts(database) == loaded


def history_rows(*changes: dict[str, str]) -> list[dict[str, str]]:
    """Rows in partnerships.csv's columns: the first fixture row, changed."""
    with (fixtures_dir() / "partnerships.csv").open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    return [{**first, **change} for change in changes]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


AGENCY_ROWS = (
    {"id": "AGENCY-001", "title": "Seed banks for Mozambique", "beneficiary_countries": "Moçambique",
     "provider": "BRA (Embrapa)", "facilitator": "JICA; XM-DAC-41301", "sectors": "agriculture", "sdgs": "2"},
    {"id": "AGENCY-002", "title": "Cash transfers peer learning", "beneficiary_countries": "KEN; Tanzania",
     "provider": "MEX (AMEXCID)", "facilitator": "Fonds X", "sectors": "social protection", "sdgs": "1"},
)  # fmt: skip


def test_csv_import_links_reports_and_is_idempotent(database: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "agency.csv", history_rows(*AGENCY_ROWS))
    before = counts(database)
    dry = sstc("import", "csv", path, "--dry-run", "--json", "--database-url", database)
    assert counts(database) == before
    result = sstc("import", "csv", path, "--json", "--database-url", database)
    assert result.exit_code == 0, result.output
    expected = {
        "imported": 2, "updated": 0, "unchanged": 0, "skipped": [],
        "unresolved": [{"id": "AGENCY-002", "field": "facilitator", "name": "Fonds X"}],
    }  # fmt: skip
    assert json.loads(dry.stdout) == json.loads(result.stdout) == expected
    assert links(database, "AGENCY-001") == (["MOZ"], ["BRA", "BRA-EMBRAPA"], ["FAO", "JICA"])
    assert links(database, "AGENCY-002") == (["KEN", "TZA"], ["MEX", "MEX-AMEXCID"], [])
    stored = next(
        r for r in load_catalogue(get_engine(database)).partnerships if r.partnership.id == "AGENCY-001"
    )
    assert stored.partnership.imported_from == "csv:agency.csv"
    again = sstc("import", "csv", path, "--json", "--database-url", database)
    assert json.loads(again.stdout) == {**expected, "imported": 0, "unchanged": 2}


def test_csv_bad_rows_are_all_reported_with_line_and_field_and_nothing_is_stored(
    database: str, tmp_path: Path
) -> None:
    rows = history_rows(AGENCY_ROWS[0], {**AGENCY_ROWS[1], "beneficiary_countries": "Atlantis"}, {"id": ""})
    path = write_csv(tmp_path / "agency.csv", rows)
    before = counts(database)
    result = sstc("import", "csv", path, "--json", "--database-url", database)
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["file"], e["line"], e["field"], e["value"]) for e in errors] == [
        ("agency.csv", 3, "beneficiary_countries.0", "Atlantis"),
        ("agency.csv", 4, "id", ""),
    ]
    assert "2 row(s) cannot be read; nothing was stored" in result.stderr
    assert counts(database) == before  # the good first row is not stored either
