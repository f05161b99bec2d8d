"""The need page's waterfall: at most eight bars in plain words that add up to the score."""

from __future__ import annotations

import pytest

from api.pages.charts import WIDTH, waterfall
from api.pages.triad_view import triad_view
from features.provider_features import PROVIDER_FEATURES

# the features a model without the (optional) semantic ones explains, in declaration order
NAMES = [PROVIDER_FEATURES.qualified(f) for f in PROVIDER_FEATURES.features if f.group != "semantic"]


def suggestion(values: list[float]) -> dict:
    contributions = [
        {"feature": n, "contribution": v, "value": 1.0, "reason": ""}
        for n, v in zip(NAMES[: len(values)], values, strict=True)
    ]
    return {"prior": -1.5, "score": -1.5 + sum(values), "contributions": contributions}


def test_eight_bars_named_in_plain_words_that_add_up_to_the_score() -> None:
    values = [0.9, -0.7, 0.5, 0.4, -0.3, 0.2, 0.1, 0.05, -0.04, 0.03, 0.02, 0.01]
    chart = waterfall(suggestion(values))
    assert [b.label for b in chart.bars] == [
        "Starting point: how often such triads occur",
        "Provider's profile matches the need",
        "Provider's past partnerships resemble the need",
        "Provider works in the need's sectors",
        "Provider works on the need's SDGs",
        "Provider offers the requested support",
        "Provider works in the need's language",
        "6 smaller factors together",
    ]
    assert [b.negative for b in chart.bars] == [True, False, True, False, False, True, False, False]
    assert sum(b.value for b in chart.bars) == pytest.approx(chart.score)
    assert chart.bars[-1].value == pytest.approx(sum(values[6:]))
    assert all(b.x >= 0 and b.x + b.width <= WIDTH for b in chart.bars)


def test_a_stored_record_without_a_label_reads_its_label_from_the_declaration() -> None:
    records = suggestion([0.5, -0.2])["contributions"]
    view = triad_view(records, [], 0.5, [])
    assert view.labels == [
        "Provider's profile matches the need",
        "Provider's past partnerships resemble the need",
    ]
    records[0]["label"] = "given"
    assert triad_view(records, [], 0.5, []).labels[0] == "given"
