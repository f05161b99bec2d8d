"""The explanation chart: a waterfall from the prior to the score, as geometry for inline SVG."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matching.reports import waterfall_steps

WIDTH, LABEL, ROW = 640, 260, 22


@dataclass
class Bar:
    label: str
    value: float
    x: float
    width: float
    y: float
    negative: bool


@dataclass
class Waterfall:
    bars: list[Bar]
    height: int
    zero_x: float
    score_x: float
    score: float


def waterfall(suggestion: dict[str, Any], top: int = 8) -> Waterfall:
    steps = waterfall_steps(suggestion, top)
    low = min(0.0, float(steps[["start", "end"]].min().min()))
    high = max(0.0, float(steps[["start", "end"]].max().max()))
    span = (high - low) or 1.0
    plot = WIDTH - LABEL - 70

    def x(value: float) -> float:
        return LABEL + (value - low) / span * plot

    bars = []
    for i, step in enumerate(steps.to_dict("records")):
        start, end, value = float(step["start"]), float(step["end"]), float(step["contribution"])
        left, right = sorted((x(start), x(end)))
        bars.append(Bar(str(step["step"]), value, left, max(right - left, 1.0), 10 + i * ROW, value < 0))
    return Waterfall(bars, 20 + len(bars) * ROW, x(0.0), x(suggestion["score"]), suggestion["score"])
