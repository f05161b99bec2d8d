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


def test_country_variants_resolve_at_least_97_percent_and_never_wrongly(
    countries: NameResolver,
) -> None:
    rows = list(csv.DictReader((HERE / "name_variants.csv").open(encoding="utf-8")))
    assert len(rows) >= 150
    results = [(row["variant"], row["expected"], countries.resolve(row["variant"]).id) for row in rows]
    wrong = [r for r in results if r[2] is not None and r[2] != r[1]]
    missed = [r for r in results if r[2] is None]
    assert wrong == []
    assert 1 - len(missed) / len(rows) >= 0.97, missed


def test_non_countries_are_not_found_and_list_candidates(countries: NameResolver) -> None:
    rows = list(csv.DictReader((HERE / "name_nonmatches.csv").open(encoding="utf-8")))
    resolved = [(row["variant"], countries.resolve(row["variant"]).id) for row in rows]
    assert [r for r in resolved if r[1] is not None] == []
    atlantis = countries.resolve("Atlantis")
    assert atlantis.describe().startswith("'Atlantis' not found; closest: ")
    assert atlantis.candidates


def test_a_near_miss_below_the_cutoff_is_not_guessed(countries: NameResolver) -> None:
    resolution = countries.resolve("Mozambik")
    assert resolution.id is None
    assert resolution.candidates[0].id == "MOZ"


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
