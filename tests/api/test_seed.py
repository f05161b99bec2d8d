from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from api.cli import app
from api.db import get_engine
from features.paths import fixtures_dir
from models import Country, Facilitator, Partnership, PartnershipProvider, Provider

runner = CliRunner()


def seed(database: Path, fixtures: Path | None = None) -> tuple[int, str]:
    args = ["seed", "--database-url", f"sqlite:///{database}"]
    if fixtures is not None:
        args += ["--fixtures", str(fixtures)]
    result = runner.invoke(app, args)
    return result.exit_code, result.output


def counts(database: Path) -> dict[str, int]:
    with Session(get_engine(f"sqlite:///{database}")) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Country, Provider, Facilitator, Partnership, PartnershipProvider)
        }


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), target)
    return target


def test_seed_loads_the_catalogue_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "sstc.db"
    code, output = seed(database)
    assert code == 0, output
    loaded = counts(database)
    assert loaded["Country"] >= 193
    assert loaded["Facilitator"] >= 40
    assert loaded["Provider"] >= 100
    assert loaded["Partnership"] >= 160

    code, output = seed(database)
    assert code == 0, output
    assert " 0 inserted, 0 updated" in output
    assert "inserted" in output and all(
        " 0 inserted, 0 updated," in line for line in output.splitlines() if "inserted" in line
    )
    assert counts(database) == loaded


def test_stats_lists_the_catalogue_and_unresolved_names(tmp_path: Path) -> None:
    database = tmp_path / "sstc.db"
    seed(database)
    result = runner.invoke(app, ["catalogue", "stats", "--database-url", f"sqlite:///{database}"])
    assert result.exit_code == 0, result.output
    assert "UN member states" in result.output and "193" in result.output
    assert "Unresolved names" in result.output


def test_every_partnership_is_linked_to_the_catalogue(catalogue) -> None:  # type: ignore[no-untyped-def]
    providers = {p.id for p in catalogue.providers}
    facilitators = {f.id for f in catalogue.facilitators}
    for record in catalogue.partnerships:
        assert set(record.provider_ids) <= providers
        assert set(record.facilitator_ids) <= facilitators
        # a row names a provider: it is linked, or the name is listed as unresolved
        assert record.provider_ids or any(n.startswith("provider") for n in record.partnership.unresolved)
    linked = sum(bool(r.provider_ids) for r in catalogue.partnerships)
    assert linked >= 160


def _rewrite_line(path: Path, number: int, change: dict) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[number - 1])
    row.update(change)
    lines[number - 1] = json.dumps(row, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "providers.jsonl",
            {"sectors": ["112", "999"]},
            "providers.jsonl, line 3, field 'sectors.1': '999' is not a known value; "
            "closest valid values: 998, 910, 930",
        ),
        (
            "providers.jsonl",
            {"country": "BRZ"},
            "providers.jsonl, line 3, field 'country': 'BRZ' is not a known value; "
            "closest valid values: BRA, BRB, BRN",
        ),
        (
            "facilitators.jsonl",
            {"modalities": ["trainning"]},
            "facilitators.jsonl, line 3, field 'modalities.0': 'trainning' input should be "
            "'technical_assistance', 'training', 'study_visit', 'expert_deployment', 'volunteers', "
            "'knowledge_exchange', 'technology_transfer' or 'financing'; "
            "closest valid values: training, financing, technology_transfer",
        ),
        (
            "facilitators.jsonl",
            {"sdgs": [18]},
            "facilitators.jsonl, line 3, field 'sdgs.0': 18 input should be less than or equal to 17",
        ),
        (
            "facilitators.jsonl",
            {"regions": ["Sub Saharan Africa"]},
            "facilitators.jsonl, line 3, field 'regions.0': 'Sub Saharan Africa' is not a known value; "
            "closest valid values: Sub-Saharan Africa, Africa, Southern Africa",
        ),
    ],
)
def test_a_bad_row_stops_the_load_names_it_and_stores_nothing(
    tmp_path: Path, fixtures_copy: Path, file: str, change: dict, message: str
) -> None:
    database = tmp_path / "sstc.db"
    assert seed(database)[0] == 0
    before = counts(database)
    _rewrite_line(fixtures_copy / file, 3, change)
    code, output = seed(database, fixtures_copy)
    assert code == 1
    assert " ".join(output.split()) == f"error: {message}"
    assert counts(database) == before


def test_bad_csv_row_names_line_and_field(tmp_path: Path, fixtures_copy: Path) -> None:
    path = fixtures_copy / "partnerships.csv"
    text = path.read_text(encoding="utf-8").replace(
        "SSTC-008,Caribbean Risk Management Initiative,2011,DOM;",
        "SSTC-008,Caribbean Risk Management Initiative,2011,DOMX;",
    )
    path.write_text(text, encoding="utf-8")
    code, output = seed(tmp_path / "sstc.db", fixtures_copy)
    assert code == 1
    assert (
        "partnerships.csv, line 4, field 'beneficiary_countries.0': 'DOMX' is not a known country"
        in " ".join(output.split())
    )


def test_the_stored_catalogue_has_the_snapshot_of_its_files(tmp_path: Path, catalogue) -> None:  # type: ignore[no-untyped-def]
    from api.catalogue_store import load_catalogue

    database = tmp_path / "sstc.db"
    assert seed(database)[0] == 0
    assert load_catalogue(get_engine(f"sqlite:///{database}")).snapshot() == catalogue.snapshot()
