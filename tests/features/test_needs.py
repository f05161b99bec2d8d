"""Needs as offices write them: a sector or modality word never refuses a need."""

from __future__ import annotations

import json
from typing import Any

import pytest

from features.catalogue import Catalogue
from features.errors import UnknownNameError
from features.needs import ResolvedNeed, resolve_need
from features.paths import fixtures_dir
from features.taxonomy import default_taxonomy


def _resolve(catalogue: Catalogue, **need: Any) -> ResolvedNeed:
    languages = {c.iso3: list(c.languages) for c in catalogue.countries}
    raw = {"country": "SEN", "text": "Un programme national.", **need}
    return resolve_need(raw, catalogue.countries_resolver, default_taxonomy(), languages)


@pytest.mark.parametrize(
    ("words", "codes"),
    [
        (["jobs"], ["160"]),
        (["emplois des jeunes"], ["160"]),
        (["empleo"], ["160"]),
        (["emprego"], ["160"]),
        (["youth"], ["160"]),
        (["gender"], ["151"]),
        (["género"], ["151"]),
        (["economía azul"], ["313"]),
        (["blue economy"], ["313"]),
        (["économie bleue"], ["313"]),
        (["infrastructure"], ["210", "323"]),
    ],
)
def test_office_sector_words_resolve_to_their_code(
    catalogue: Catalogue, words: list[str], codes: list[str]
) -> None:
    need = _resolve(catalogue, sector=words)
    assert need.sectors == codes
    assert need.unmatched == []


@pytest.mark.parametrize(
    "word",
    ["knowledge transfer", "transfert de connaissances", "transferencia de conocimientos", "peer learning"],
)
def test_office_modality_words_resolve_to_knowledge_exchange(catalogue: Catalogue, word: str) -> None:
    need = _resolve(catalogue, modality=[word])
    assert need.modalities == ["knowledge_exchange"]
    assert need.unmatched == []


def test_a_word_that_matches_nothing_stays_with_the_need(catalogue: Catalogue) -> None:
    need = _resolve(catalogue, title="Pêche", sector=["zzqx", "jobs"], modality=["qqzzv"])
    assert need.sectors == ["160"]
    assert [(u.field, u.word) for u in need.unmatched] == [("sector.0", "zzqx"), ("modality.0", "qqzzv")]
    assert len(need.unmatched[0].closest) == 3
    assert all(c.endswith(")") and "(" in c for c in need.unmatched[0].closest)
    assert need.text == "Un programme national."  # as typed
    assert need.document == "Pêche. Un programme national.. zzqx, qqzzv"
    answer = need.to_json("Senegal", default_taxonomy())
    assert answer["unmatched_terms"][0] == {
        "field": "sector.0",
        "word": "zzqx",
        "closest": need.unmatched[0].closest,
    }


def test_a_typo_still_resolves_by_fuzzy_matching(catalogue: Catalogue) -> None:
    need = _resolve(catalogue, sector=["fisheries managment"])
    assert need.sectors == ["313"]


def test_an_unknown_country_is_still_refused_with_its_field(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownNameError) as error:
        _resolve(catalogue, country="Atlantis", sector=["zzqx"])
    assert error.value.field == "country"
    assert str(error.value).startswith("country: 'Atlantis' not found")


def test_an_sdg_outside_1_to_17_is_still_refused_with_its_field(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownNameError) as error:
        _resolve(catalogue, sdg=[2, 18])
    assert error.value.field == "sdg.1"
    assert str(error.value) == "sdg.1: '18' not found"


def test_no_fixture_need_is_refused_or_loses_a_word(catalogue: Catalogue) -> None:
    lines = (fixtures_dir() / "needs.jsonl").read_text(encoding="utf-8").splitlines()
    needs = [_resolve(catalogue, **json.loads(line)) for line in lines if line.strip()]
    assert len(needs) == 44
    for need, line in zip(needs, lines, strict=True):
        raw = json.loads(line)
        assert need.sectors or need.unmatched or not raw.get("sector")
