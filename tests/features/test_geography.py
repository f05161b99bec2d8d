"""Distances between capitals: scikit-learn's haversine on a 6,371 km sphere, NaN when unknown."""

from __future__ import annotations

import math

import numpy as np
import pytest

from features.catalogue import Catalogue
from features.geography import EARTH_RADIUS_KM, CountryFacts, haversine_km


def textbook_haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def test_brasilia_to_nairobi(catalogue: Catalogue) -> None:
    facts = CountryFacts.from_countries(catalogue.countries)
    km = facts.distance_km("BRA", np.array([facts.index["KEN"], facts.index["BRA"]]))
    assert km[0] == pytest.approx(9406.618740943459, abs=1e-6)
    assert km[0] == pytest.approx(textbook_haversine_km(-15.77972, -47.92972, -1.28333, 36.81667), abs=1e-6)
    assert km[1] == 0.0


def test_a_quarter_of_the_equator_and_half_a_meridian() -> None:
    km = haversine_km(0.0, 0.0, np.array([0.0, 90.0]), np.array([90.0, 0.0]))
    assert km == pytest.approx([math.pi / 2 * 6371.0, math.pi / 2 * 6371.0], abs=1e-6)
    assert haversine_km(-90.0, 0.0, np.array([90.0]), np.array([0.0]))[0] == pytest.approx(math.pi * 6371.0)


def test_unknown_coordinates_give_nan_not_an_error() -> None:
    km = haversine_km(0.0, 0.0, np.array([np.nan, 0.0]), np.array([10.0, 10.0]))
    assert np.isnan(km[0]) and km[1] == pytest.approx(textbook_haversine_km(0, 0, 0, 10), abs=1e-6)
    assert np.isnan(haversine_km(np.nan, 0.0, np.array([0.0]), np.array([0.0]))).all()
    assert haversine_km(0.0, 0.0, np.array([]), np.array([])).shape == (0,)
