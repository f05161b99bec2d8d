"""The explanation chart: a waterfall from the prior to the score, as geometry for inline SVG.

Each step is a row: its plain label and its value on one line, its bar below, so the text keeps
its size on a 390 px phone (the chart is drawn 400 units wide and scales to the page) and the
chart never holds more than eight bars (the prior, six contributions, the rest together)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.pages.engine_wording import EngineWording
from api.pages.page_language import DEFAULT
from matching.reports import waterfall_steps

WIDTH, ROW, LABEL_LINE, BAR = 400, 40, 16, 14
NAMED_BARS = 6


@dataclass
class Bar:
    label: str
    value: float
    x: float
    width: float
    y: float  # top of the row: the label line, then the bar
    negative: bool


@dataclass
class Waterfall:
    bars: list[Bar]
    width: int
    height: int
    zero_x: float
    score_x: float
    score: float


def waterfall(
    suggestion: dict[str, Any], top: int = NAMED_BARS, wording: EngineWording | None = None
) -> Waterfall:
    """The bars' labels in the page's language with `wording` (as the engine words them without)."""
    wording = wording or EngineWording(locale=DEFAULT)
    steps = waterfall_steps(suggestion, top)
    low = min(0.0, float(steps[["start", "end"]].min().min()))
    high = max(0.0, float(steps[["start", "end"]].max().max()))
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return 2 + (value - low) / span * (WIDTH - 4)

    bars = []
    rows = steps.to_dict("records")
    for i, step in enumerate(rows):
        start, end, value = float(step["start"]), float(step["end"]), float(step["contribution"])
        left, right = sorted((x(start), x(end)))
        label = wording.bar_label(step, rest=i == len(rows) - 1)
        bars.append(Bar(label, value, left, max(right - left, 1.0), 4 + i * ROW, value < 0))
    return Waterfall(bars, WIDTH, 8 + len(bars) * ROW, x(0.0), x(suggestion["score"]), suggestion["score"])
