"""Organisations found by identifier (exactly) and by name (as people write them)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from features.catalogue import Catalogue, load_catalogue_files
from features.catalogue_search import search
from features.errors import RowError
from features.paths import fixtures_dir


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("XM-DAC-41114", "UNDP"),
        ("xm-dac-41114 ", "UNDP"),
        ("41114", "UNDP"),  # the bare CRS channel code some publishers write
        ("PNUD", "UNDP"),
        ("UNDP / PNUD", "UNDP"),
        ("Programa das Nações Unidas para o Desenvolvimento", "UNDP"),
        ("XM-DAC-41119", "UNFPA"),
        ("XM-DAC-47045", "GLOBAL-FUND"),  # channel code only: the XM-DAC form follows from it
        ("GB-GOV-1", "FCDO"),
        ("XM-DAC-5-7", "GIZ"),
        ("Programme alimentaire mondial", "WFP"),
        ("Programa Mundial de Alimentos", "WFP"),
    ],
)
def test_facilitators_by_identifier_and_by_name(catalogue: Catalogue, written: str, expected: str) -> None:
    assert catalogue.facilitator_lookup.resolve_organisation(written).id == expected


@pytest.mark.parametrize("unknown", ["XM-DAC-41115", "XM-DAC-5-52", "GB-GOV-3", "41199"])
def test_an_unknown_identifier_is_never_matched_to_a_near_one(catalogue: Catalogue, unknown: str) -> None:
    assert catalogue.facilitator_lookup.resolve_organisation(unknown).id is None


def test_the_first_known_identifier_wins_over_the_names(catalogue: Catalogue) -> None:
    lookup = catalogue.facilitator_lookup
    assert lookup.resolve(["XM-DAC-99999", "41140"], ["United Nations Development Programme"]) == "WFP"
    assert lookup.resolve(["XM-DAC-99999"], ["", "United Nations Development Programme"]) == "UNDP"
    assert lookup.resolve([], []) is None


def test_the_fixture_identifiers_are_well_formed_and_each_names_one_organisation(
    catalogue: Catalogue,
) -> None:
    with_ids = [f for f in catalogue.facilitators if f.iati_org_id or f.crs_channel_code]
    assert len(with_ids) >= 30
    for org in with_ids:
        assert (
            catalogue.facilitator_lookup.resolve([org.iati_org_id or f"XM-DAC-{org.crs_channel_code}"])
            == org.id
        )


def test_an_identifier_used_twice_stops_the_read(tmp_path: Path) -> None:
    target = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), target)
    path = target / "facilitators.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    fao_line = next(n for n, row in enumerate(rows, start=1) if row["id"] == "FAO")
    rows[fao_line - 1]["crs_channel_code"] = "41114"  # UNDP's (line 1)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    with pytest.raises(RowError) as caught:
        load_catalogue_files(target)
    assert str(caught.value) == (
        f"facilitators.jsonl, line {fao_line}, field 'crs_channel_code': '41114' is already UNDP's (line 1)"
    )


def test_the_catalogue_search_finds_an_organisation_by_its_identifier(catalogue: Catalogue) -> None:
    assert search(catalogue.facilitators, "XM-DAC-41114", None, None, None)[0].id == "UNDP"
    assert search(catalogue.facilitators, "UNDP / PNUD", None, None, None)[0].id == "UNDP"
