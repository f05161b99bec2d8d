"""Country facts as arrays: capitals' distances, regions, languages, context flags, income."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics.pairwise import haversine_distances

from models.catalogue import CountryBase

EARTH_RADIUS_KM = 6371.0
INCOME_RANK = {"LIC": 0, "LMC": 1, "UMC": 2, "HIC": 3}
CONTEXT_FLAGS = ("ldc", "lldc", "sids", "fragile")


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to each of many (degrees); NaN where a coordinate is unknown."""
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    out = np.full(lats.shape, np.nan)
    known = ~(np.isnan(lats) | np.isnan(lons))
    if np.isnan(lat) or np.isnan(lon) or not known.any():
        return out  # haversine_distances refuses NaN and empty input
    here = np.radians([[lat, lon]])
    there = np.radians(np.column_stack([lats[known], lons[known]]))
    out[known] = EARTH_RADIUS_KM * haversine_distances(here, there)[0]
    return out


@dataclass
class CountryFacts:
    """Per-country arrays indexed by `index[iso3]`."""

    index: dict[str, int]
    names: list[str]
    groups: list[list[str]]  # region, sub-region, intermediate region
    languages: list[list[str]]
    lat: np.ndarray
    lon: np.ndarray
    income: np.ndarray  # rank 0-3, -1 when unclassified
    flags: np.ndarray  # (countries, 4) booleans in CONTEXT_FLAGS order

    @classmethod
    def from_countries(cls, countries: list[CountryBase]) -> CountryFacts:
        return cls(
            index={c.iso3: i for i, c in enumerate(countries)},
            names=[c.name for c in countries],
            groups=[[r for r in (c.region, c.sub_region, c.intermediate_region) if r] for c in countries],
            languages=[list(c.languages) for c in countries],
            lat=np.array([np.nan if c.capital_lat is None else c.capital_lat for c in countries]),
            lon=np.array([np.nan if c.capital_lon is None else c.capital_lon for c in countries]),
            income=np.array([INCOME_RANK.get(c.income_group or "", -1) for c in countries]),
            flags=np.array([[getattr(c, f) for f in CONTEXT_FLAGS] for c in countries], dtype=bool),
        )

    def regions(self, iso3: str) -> set[str]:
        """Every M49 grouping the country belongs to (region, sub-region, intermediate)."""
        return set(self.groups[self.index[iso3]])

    def distance_km(self, iso3: str, others: np.ndarray) -> np.ndarray:
        """Distance between capitals, one to each of `others` (row indices); NaN if unknown."""
        return self._capital_km()[self.index[iso3], others]

    def _capital_km(self) -> np.ndarray:
        """Every pair of capitals' distance, computed once per process rather than per need (a
        few hundred countries: under a megabyte), and never saved with the model."""
        km: np.ndarray | None = self.__dict__.get("_km")
        if km is None:
            km = np.vstack(
                [haversine_km(self.lat[i], self.lon[i], self.lat, self.lon) for i in range(len(self.lat))]
            )
            self.__dict__["_km"] = km
        return km

    def __getstate__(self) -> dict[str, object]:
        return {name: value for name, value in self.__dict__.items() if name != "_km"}
