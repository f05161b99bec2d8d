from __future__ import annotations

import pytest
from pydantic import ValidationError

from models.catalogue import CountryBase, FacilitatorBase, ProviderBase
from models.needs import NeedCreate

PROVIDER = {"id": "BRA", "name": "Brazil", "kind": "country", "country": "BRA"}


def error_of(schema: type, data: dict) -> tuple[str, str]:
    with pytest.raises(ValidationError) as info:
        schema.model_validate(data)
    error = info.value.errors()[0]
    return ".".join(str(p) for p in error["loc"]), error["type"]


def test_a_valid_provider_passes() -> None:
    provider = ProviderBase.model_validate({**PROVIDER, "sdgs": [2, 17], "modalities": ["training"]})
    assert provider.sdgs == [2, 17]


@pytest.mark.parametrize(
    ("change", "where", "kind"),
    [
        ({"country": "Brazil"}, "country", "string_too_long"),
        ({"country": "bra"}, "country", "string_pattern_mismatch"),
        ({"sdgs": [0]}, "sdgs.0", "greater_than_equal"),
        ({"sdgs": [18]}, "sdgs.0", "less_than_equal"),
        ({"sectors": ["11"]}, "sectors.0", "string_pattern_mismatch"),
        ({"modalities": ["teleportation"]}, "modalities.0", "enum"),
        ({"kind": "company"}, "kind", "enum"),
        ({"languages": ["por"]}, "languages.0", "string_pattern_mismatch"),
        ({"description": "x" * 4001}, "description", "string_too_long"),
        ({"name": ""}, "name", "string_too_short"),
        ({"website": "javascript:alert(1)"}, "website", "string_pattern_mismatch"),
        ({"colour": "blue"}, "colour", "extra_forbidden"),
    ],
)
def test_provider_constraints(change: dict, where: str, kind: str) -> None:
    assert error_of(ProviderBase, {**PROVIDER, **change}) == (where, kind)


def test_facilitator_income_groups_are_an_enumeration() -> None:
    data = {"id": "UNDP", "name": "UNDP", "kind": "un_entity", "income_groups": ["MIDDLE"]}
    assert error_of(FacilitatorBase, data) == ("income_groups.0", "enum")


def test_country_flags_and_coordinates_are_bounded() -> None:
    base = {"iso3": "MOZ", "iso2": "MZ", "m49": 508, "name": "Mozambique"}
    assert error_of(CountryBase, {**base, "capital_lat": 91}) == ("capital_lat", "less_than_equal")
    assert error_of(CountryBase, {**base, "iso2": "MOZ"}) == ("iso2", "string_too_long")


def test_need_limits() -> None:
    need = {"country": "MOZ", "text": "school feeding"}
    assert NeedCreate.model_validate(need).k == 10
    assert error_of(NeedCreate, {**need, "k": 0}) == ("k", "greater_than_equal")
    assert error_of(NeedCreate, {**need, "k": 1_000_000}) == ("k", "less_than_equal")
    assert error_of(NeedCreate, {**need, "text": ""}) == ("text", "string_too_short")
    assert error_of(NeedCreate, {**need, "sdg": [18]}) == ("sdg.0", "less_than_equal")
