"""Train/test splits of the partnership history: grouped k-fold, temporal, source-shift.

A split is (train indices, test indices) into `catalogue.partnerships`; `check_disjoint` is
called on every split before anything is fitted.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from sklearn.model_selection import GroupKFold

from features.catalogue import Catalogue
from models.history import PartnershipRecord

Split = tuple[list[int], list[int]]
PROTOCOLS = ("grouped", "temporal", "source-shift")
UNDP_SOURCE = "UNDP compilation"
OTHER_SOURCES = "other sources"


def group_key(record: PartnershipRecord, provider_country: dict[str, str]) -> str:
    """Near-duplicate projects share a key: same provider country(ies) and first beneficiary."""
    countries = sorted({provider_country.get(p, p) for p in record.provider_ids})
    beneficiary = record.partnership.beneficiaries[:1]
    return "|".join([*countries, *beneficiary]) or record.partnership.id


def source_group(record: PartnershipRecord) -> str:
    """The source group of a partnership: the UNDP compilation, or every other source."""
    return UNDP_SOURCE if record.partnership.source_name.startswith("UNDP") else OTHER_SOURCES


def grouped_folds(catalogue: Catalogue, n_splits: int = 5, seed: int = 0) -> Iterator[Split]:
    provider_country = {p.id: p.country for p in catalogue.providers}
    groups = [group_key(r, provider_country) for r in catalogue.partnerships]
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(groups)), groups=groups):
        yield list(train), list(test)


def temporal_split(catalogue: Catalogue, cutoff: int) -> Iterator[Split]:
    """Train on partnerships that started before `cutoff` (and undated ones), test on the rest."""
    years = [r.partnership.year_start for r in catalogue.partnerships]
    train = [i for i, y in enumerate(years) if y is None or y < cutoff]
    test = [i for i, y in enumerate(years) if y is not None and y >= cutoff]
    yield train, test


def source_shift_splits(catalogue: Catalogue) -> Iterator[Split]:
    """Train on the UNDP compilation and test on the other sources, then the other way round."""
    groups = [source_group(r) for r in catalogue.partnerships]
    undp = [i for i, g in enumerate(groups) if g == UNDP_SOURCE]
    other = [i for i, g in enumerate(groups) if g == OTHER_SOURCES]
    yield undp, other
    yield other, undp


def protocol_splits(
    catalogue: Catalogue, protocol: str, folds: int = 5, seed: int = 0, cutoff: int | None = None
) -> tuple[Iterator[Split], str]:
    """The splits of a protocol and the name reported with its results."""
    if protocol == "grouped":
        return grouped_folds(catalogue, folds, seed), f"grouped-{folds}-fold"
    if protocol == "temporal":
        if cutoff is None:
            raise ValueError("the temporal protocol needs a cutoff year")
        return temporal_split(catalogue, cutoff), f"temporal-{cutoff}"
    if protocol == "source-shift":
        return source_shift_splits(catalogue), "source-shift"
    raise ValueError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")


def check_disjoint(catalogue: Catalogue, train: list[int], test: list[int]) -> None:
    """Refuse a split whose training and test partnerships overlap (by position or by id)."""
    ids = [r.partnership.id for r in catalogue.partnerships]
    shared = {ids[i] for i in set(train) & set(test)} | ({ids[i] for i in train} & {ids[i] for i in test})
    if shared:
        raise ValueError(f"train and test overlap on partnerships {', '.join(sorted(shared))}")
