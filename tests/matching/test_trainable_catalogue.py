"""A catalogue a model cannot be trained on is refused by name, before any fitting."""

from __future__ import annotations

import dataclasses

import pytest

from features.catalogue import load_catalogue_files
from features.errors import EmptyCatalogueError
from matching.matcher import Matcher


@pytest.mark.parametrize(
    ("emptied", "listed"),
    [
        (("partnerships",), "partnerships"),
        (("facilitators", "partnerships"), "facilitators and no partnerships"),
        (("providers", "facilitators"), "providers and no facilitators"),
    ],
)
def test_a_catalogue_missing_a_part_is_refused_naming_every_missing_part(
    emptied: tuple[str, ...], listed: str
) -> None:
    catalogue = dataclasses.replace(load_catalogue_files(), **{part: [] for part in emptied})
    with pytest.raises(EmptyCatalogueError) as refused:
        Matcher().fit(catalogue)
    assert str(refused.value) == f"the catalogue has no {listed}: there is nothing to train on"
    assert refused.value.missing == list(emptied)
