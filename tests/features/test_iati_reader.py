"""IATI activity files read into partnerships: which activities, which links, which names, which errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from features.catalogue import Catalogue
from features.iati_reader import IatiBatch, IatiReader, Skipped, partnership_id
from features.iati_xml import XmlError
from features.taxonomy import default_taxonomy
from models.history import PartnershipRecord

FILES = Path(__file__).parent / "iati"


def read(catalogue: Catalogue, *names: str) -> IatiBatch:
    return IatiReader(catalogue, default_taxonomy()).read([FILES / name for name in names])


def by_identifier(batch: IatiBatch) -> dict[str, PartnershipRecord]:
    return {r.partnership.iati_identifier or "": r for r in batch.records}


def test_a_triangular_activity_is_linked_by_identifier_and_by_name(catalogue: Catalogue) -> None:
    record = by_identifier(read(catalogue, "triangular.xml"))["XM-DAC-5-7-2019.2105.7-001"]
    p = record.partnership
    assert record.provider_ids == ["MEX-AMEXCID"]  # by its Spanish name
    assert record.facilitator_ids == ["GIZ"]  # by ref only: the participating-org has no name
    assert p.id == partnership_id("XM-DAC-5-7-2019.2105.7-001") == "IATI-407EA23C3FAA"
    assert p.beneficiaries == ["GTM", "HND"]
    assert p.title == "Triangular cooperation Germany-Mexico-Guatemala: family farming and rural extension"
    assert p.description.startswith("Mexican extension services share their methods")  # type 1, English
    assert p.year_start == 2019  # actual start (type 2) before planned
    assert p.sectors == ["311"]  # 31120 and 31166
    assert p.sdgs == [1, 2]  # goal tag 2 and target tag 1.4
    assert p.imported_from == "iati:triangular.xml"
    assert p.source_url == "https://d-portal.org/ctrack.html#view=act&aid=XM-DAC-5-7-2019.2105.7-001"
    # the recipient's own ministry matches nothing in the catalogue: kept, never dropped
    assert p.unresolved == ["provider: Ministerio de Agricultura, Ganadería y Alimentación"]


def test_a_southern_implementer_with_a_separate_funder_is_triangular_without_type_8(
    catalogue: Catalogue,
) -> None:
    record = by_identifier(read(catalogue, "triangular.xml"))["XM-DAC-701-8-MZ-2021-0042"]
    assert record.provider_ids == ["BRA-EMBRAPA"]
    assert record.facilitator_ids == ["JICA"]
    assert record.partnership.beneficiaries == ["MOZ"]  # from the transaction: the standard allows it
    assert record.partnership.year_start == 2021  # planned start when there is no actual one
    assert record.partnership.sectors == ["311"]  # vocabulary 2 (3-digit)
    assert record.partnership.sdgs == [2]  # sector vocabulary 7 (SDG goal)
    assert record.partnership.unresolved == ["facilitator: Ministry of Magic Cooperation"]


def test_bilateral_and_south_south_activities_are_skipped_with_their_reason(catalogue: Catalogue) -> None:
    assert read(catalogue, "triangular.xml").skipped == [
        Skipped(
            "GB-GOV-1-300417-101",
            "collaboration-type 1 and no Southern implementing organisation "
            "from outside the recipient countries",
        ),
        Skipped(
            "BR-ABC-2018-MZ-07",
            "collaboration-type 1 and no funding or extending organisation "
            "from outside the implementer's and the recipients' countries",
        ),
    ]


def test_a_recipient_paying_for_its_side_is_no_third_party(catalogue: Catalogue, tmp_path: Path) -> None:
    (tmp_path / "own.xml").write_text(
        '<iati-activities version="2.03"><iati-activity><iati-identifier>MZ-1</iati-identifier>'
        '<participating-org role="1"><narrative>Government of Mozambique</narrative></participating-org>'
        '<participating-org role="4"><narrative>Embrapa</narrative></participating-org>'
        '<recipient-country code="MZ"/></iati-activity></iati-activities>',
        "utf-8",
    )
    batch = IatiReader(catalogue, default_taxonomy()).read([tmp_path / "own.xml"])
    assert batch.records == []
    assert batch.skipped == [
        Skipped(
            "MZ-1",
            "no collaboration-type and no funding or extending organisation "
            "from outside the implementer's and the recipients' countries",
        )
    ]


def test_french_only_narratives_and_unknown_codes(catalogue: Catalogue) -> None:
    record = by_identifier(read(catalogue, "francais.xml"))["XM-DAC-41114-PROJECT-00112233"]
    p = record.partnership
    assert p.title == "Coopération Sud-Sud Maroc-Sénégal-Mali : gestion de l'eau potable en milieu rural"
    assert p.description.startswith("L'expertise marocaine")
    assert record.provider_ids == ["MAR-AMCI"]  # "Agence Marocaine de Coopération Internationale"
    assert record.facilitator_ids == ["UNDP", "WFP"]  # UNDP by ref, WFP by its crs-channel-code
    assert p.beneficiaries == ["SEN", "MLI"]
    assert p.sectors == ["140"]
    assert p.sdgs == [6]
    assert p.modalities == ["study_visit", "training"]  # tagged from the French text
    assert p.unresolved == ["beneficiary: XX", "sector: 42010"]


def test_an_identifier_is_trusted_before_a_name(catalogue: Catalogue, tmp_path: Path) -> None:
    with_id = [
        p.model_copy(update={"iati_org_id": "XI-TEST-AMEXCID"}) if p.id == "MEX-AMEXCID" else p
        for p in catalogue.providers
    ]
    with_ids = replace(catalogue, providers=with_id)
    text = (FILES / "triangular.xml").read_text("utf-8")
    # the implementer's ref says AMEXCID, its name says the Chilean agency
    text = text.replace(
        '<participating-org ref="" role="4" type="10">\n'
        '   <narrative xml:lang="es">Agencia Mexicana de Cooperación Internacional para el Desarrollo',
        '<participating-org ref="XI-TEST-AMEXCID" role="4" type="10">\n'
        '   <narrative xml:lang="es">Agencia Chilena de Cooperación Internacional para el Desarrollo',
    )
    (tmp_path / "by_ref.xml").write_text(text, "utf-8")
    batch = IatiReader(with_ids, default_taxonomy()).read([tmp_path / "by_ref.xml"])
    assert by_identifier(batch)["XM-DAC-5-7-2019.2105.7-001"].provider_ids == ["MEX-AMEXCID"]
    batch = IatiReader(catalogue, default_taxonomy()).read([tmp_path / "by_ref.xml"])
    assert by_identifier(batch)["XM-DAC-5-7-2019.2105.7-001"].provider_ids == ["CHL-AGCID"]


def test_the_output_does_not_depend_on_the_order_of_the_files(catalogue: Catalogue) -> None:
    one = by_identifier(read(catalogue, "triangular.xml", "francais.xml"))
    other = by_identifier(read(catalogue, "francais.xml", "triangular.xml"))
    assert one == other


def test_an_activity_read_twice_is_skipped_the_second_time(catalogue: Catalogue) -> None:
    batch = read(catalogue, "francais.xml", "francais.xml")
    assert len(batch.records) == 1
    assert batch.skipped == [Skipped("XM-DAC-41114-PROJECT-00112233", "read already (francais.xml, line 4)")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ((FILES / "malformed.xml").read_text("utf-8"),
         "bad.xml, line 9, element <participating-org>: is not well-formed XML (not well-formed"),
        ('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaa">]>\n'
         '<iati-activities version="2.03">&a;</iati-activities>',
         "bad.xml, line 2, element <!DOCTYPE>: is refused: entity declarations and external references"),
        ('<?xml version="1.0"?>\n<iati-activities version="1.05">\n</iati-activities>',
         "bad.xml, line 2, element <iati-activities>: has version '1.05': only the 2.0x standard is read"),
        ('<?xml version="1.0"?>\n<iati-organisations version="2.03"/>',
         "bad.xml, line 2, element <iati-organisations>: is not an IATI activity file"),
        ('<iati-activities version="2.03"><iati-activity>\n<iati-identifier>A-1</iati-identifier>\n'
         '<recipient-country code="KE"/><collaboration-type code="8"/>\n'
         '<activity-date type="2" iso-date="2019-31-12"/></iati-activity></iati-activities>',
         "bad.xml, line 4, element <activity-date>: iso-date '2019-31-12' is not a date (YYYY-MM-DD)"),
    ],
)  # fmt: skip
def test_a_malformed_file_names_the_file_line_and_element(
    catalogue: Catalogue, tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "bad.xml").write_text(content, "utf-8")
    with pytest.raises(XmlError) as caught:
        IatiReader(catalogue, default_taxonomy()).read([FILES / "francais.xml", tmp_path / "bad.xml"])
    assert str(caught.value).startswith(message)
