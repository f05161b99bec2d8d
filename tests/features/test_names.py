from __future__ import annotations

import csv
from pathlib import Path

import pytest

from features.catalogue import Catalogue, country_resolver, organisation_resolver
from features.catalogue_files import read_countries
from features.names import NameResolver, name_key
from features.paths import fixtures_dir

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def countries() -> NameResolver:
    return country_resolver(read_countries(fixtures_dir() / "countries.csv"))


def test_name_key_ignores_order_accents_case_and_stop_words() -> None:
    assert name_key("Congo, Dem. Rep.") == name_key("Democratic Republic of the Congo")
    assert name_key("Côte d’Ivoire") == name_key("cote d'ivoire")
    assert name_key("U.S.A.") == "usa"
    assert name_key("Lao P.D.R.") == name_key("Lao People's Democratic Republic")
    assert name_key("Micronesia, Fed. Sts.") == name_key("Federated States of Micronesia")
    assert name_key("Solomon Isds") == name_key("Solomon Is.") == name_key("Solomon Islands")


def variant_rows(kind: str | None = None) -> list[dict[str, str]]:
    """Spellings written by hand from how sources write names, not drawn from the alias table."""
    rows = list(csv.DictReader((HERE / "name_variants.csv").open(encoding="utf-8")))
    return [r for r in rows if (r["kind"] == "ambiguous") == (kind == "ambiguous")]


def test_country_variants_resolve_at_least_97_percent_and_never_wrongly(
    countries: NameResolver,
) -> None:
    rows = variant_rows()
    assert len(rows) >= 500
    results = [(row["variant"], row["expected"], countries.resolve(row["variant"]).id) for row in rows]
    wrong = [r for r in results if r[2] is not None and r[2] != r[1]]
    missed = [r for r in results if r[2] is None]
    assert wrong == []
    assert 1 - len(missed) / len(rows) >= 0.97, missed


def test_ambiguous_names_are_refused_naming_every_candidate(countries: NameResolver) -> None:
    rows = variant_rows("ambiguous")
    assert {"Congo", "The Congo", "Korea"} <= {row["variant"] for row in rows}
    for row in rows:
        resolution = countries.resolve(row["variant"])
        assert resolution.id is None, row
        assert resolution.ambiguous, row
        assert sorted(c.id for c in resolution.candidates) == sorted(row["expected"].split(";"))
    described = countries.resolve("The Congo").describe()
    assert described.startswith("'The Congo' is ambiguous; it names: ")
    assert "(COD, 1.00)" in described and "(COG, 1.00)" in described


def test_a_bracket_settles_an_ambiguous_name(countries: NameResolver) -> None:
    assert countries.resolve("Congo (Kinshasa)").id == "COD"
    assert countries.resolve("Congo (Brazzaville)").id == "COG"
    assert countries.resolve("Korea (South)").id == "KOR"


def test_only_the_documented_names_are_shared_between_countries(countries: NameResolver) -> None:
    table = csv.DictReader((fixtures_dir() / "lists" / "ambiguous_country_names.csv").open(encoding="utf-8"))
    documented = {name_key(row["name"]): sorted(row["candidates"].split(";")) for row in table}
    assert countries.shared() == documented


@pytest.mark.parametrize(
    "written", ["Republic of Ireland", "Rep. of Ireland", "Rep. Ireland", "Ireland, Republic of"]
)
def test_the_republic_of_ireland_is_not_iceland(countries: NameResolver, written: str) -> None:
    assert countries.resolve(written).id == "IRL"


@pytest.mark.parametrize(
    ("garbled", "iso3"),
    [("CÃ´te d'Ivoire", "CIV"), ("CÃƒÂ´te dâ€™Ivoire", "CIV"), ("SÃ£o TomÃ© e PrÃ\u00adncipe", "STP")],
)
def test_mojibake_is_repaired_before_matching(countries: NameResolver, garbled: str, iso3: str) -> None:
    assert countries.resolve(garbled).id == iso3


def test_non_countries_are_not_found_and_list_candidates(countries: NameResolver) -> None:
    rows = list(csv.DictReader((HERE / "name_nonmatches.csv").open(encoding="utf-8")))
    assert len(rows) >= 24
    resolved = [(row["variant"], countries.resolve(row["variant"]).id) for row in rows]
    assert [r for r in resolved if r[1] is not None] == []
    atlantis = countries.resolve("Atlantis")
    assert atlantis.describe().startswith("'Atlantis' not found; closest: ")
    assert atlantis.candidates
    assert not atlantis.ambiguous


def test_a_near_miss_below_the_cutoff_is_not_guessed(countries: NameResolver) -> None:
    resolution = countries.resolve("Mozmbik")
    assert resolution.id is None
    assert resolution.candidates[0].id == "MOZ"


def test_a_close_score_with_two_typos_in_a_short_name_is_not_guessed(countries: NameResolver) -> None:
    # 'greenland' scores 0.90 against Dutch 'Griekenland' (Greece): two edits in nine letters.
    resolution = countries.resolve("Greenland")
    assert resolution.id is None
    assert resolution.candidates[0].id == "GRC"
    assert resolution.candidates[0].score >= countries.cutoff


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Japan (JICA)", "JICA"),
        ("JICA", "JICA"),
        ("GIZ/BMZ", "GIZ"),
        ("Germany (GIZ)", "GIZ"),
        ("UN-Women", "UN-WOMEN"),
        ("UN Women", "UN-WOMEN"),
        ("PNUD", "UNDP"),
        ("UNDP (Accelerator Labs)", "UNDP"),
        ("PAHO (implementing)", "PAHO"),
        ("IBSA Fund (managed by UNOSSC)", "IBSA-FUND"),
        ("Islamic Development Bank (Reverse Linkage)", "ISDB"),
        ("India-UN Development Partnership Fund (Commonwealth Window, UNOSSC)", "INDIA-UN-FUND"),
        ("United Nations Devlopment Programme", "UNDP"),
        ("Food and Agriculture Organisation", "FAO"),
        ("UK DFID", "FCDO"),
    ],
)
def test_organisation_names_as_sources_write_them(catalogue: Catalogue, written: str, expected: str) -> None:
    resolver = organisation_resolver(catalogue.facilitators)
    assert resolver.resolve_organisation(written).id == expected


def test_an_unknown_organisation_is_not_found(catalogue: Catalogue) -> None:
    resolver = organisation_resolver(catalogue.facilitators)
    resolution = resolver.resolve_organisation("Ministry of Magic")
    assert resolution.id is None


@pytest.mark.parametrize(
    ("code", "iso3"),
    [("AND", "AND"), ("and", "AND"), ("DE", "DEU"), ("DO", "DOM"), ("ET", "ETH"), ("LA", "LAO")],
)
def test_codes_that_are_also_stop_words_resolve(countries: NameResolver, code: str, iso3: str) -> None:
    assert countries.resolve(code).id == iso3
