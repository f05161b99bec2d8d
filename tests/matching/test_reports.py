"""The bootstrap interval the notebooks report: scipy's percentile bootstrap, seeded."""

from __future__ import annotations

import math
import warnings

import pytest

from matching.reports import bootstrap_ci


def test_two_values_give_the_interval_from_the_lowest_to_the_highest_mean() -> None:
    # Resampled means of [0, 1] are 0, 0.5 or 1 with odds 1:2:1, so the 2.5% and 97.5% points are 0 and 1.
    assert bootstrap_ci([0.0, 1.0]) == (0.5, 0.0, 1.0)


def test_the_interval_holds_the_mean_and_repeats_with_the_seed() -> None:
    mean, low, high = bootstrap_ci([0.0, 1.0, 2.0, 3.0, 4.0], seed=7)
    assert mean == 2.0 and 0.0 < low < mean < high < 4.0
    assert bootstrap_ci([0.0, 1.0, 2.0, 3.0, 4.0], seed=7) == (mean, low, high)
    narrow = bootstrap_ci([0.0, 1.0, 2.0, 3.0, 4.0], level=0.5, seed=7)
    assert low < narrow[1] < mean < narrow[2] < high


@pytest.mark.parametrize("values", [[0.7], [0.1] * 5, [1.0, 1.0]])
def test_one_value_or_all_equal_is_a_point_without_a_warning(values: list[float]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mean, low, high = bootstrap_ci(values)
    assert not math.isnan(mean) and mean == low == high == pytest.approx(values[0])


def test_no_values_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        bootstrap_ci([])
