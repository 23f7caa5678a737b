"""Geometry of the server-rendered SVG charts on the statistics pages (display only, no data access).

The templates draw what these functions measure: a horizontal bar chart (categories, areas) and a
column chart of two series per month. Coordinates are SVG user units in a fixed ``viewBox``, so the
charts scale with the page width and need no JavaScript. Every chart has a real data table beside it;
the SVG is ``role="img"`` with a title and a description that states the largest values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_HEIGHT = 22
BAR_GAP = 6
LABEL_WIDTH = 300  # room for 30 characters at font-size 15 (site.css .chart)
BAR_SPACE = 300
CHART_WIDTH = LABEL_WIDTH + BAR_SPACE + 70
MONTH_HEIGHT = 180
# A value that is there but rounds to nothing (a median of 0 days: resolved the same day) still draws a
# hairline, so no bar looks missing; its text says the value.
MIN_BAR = 2.0
MONTH_BOTTOM = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: float
    width: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    label_x: int


def bar_chart(items: Sequence[tuple[str, float, str]]) -> BarChart:
    """Bars for ``(label, value, text)`` in the given order, scaled to the largest value."""
    top = max((value for _, value, _ in items), default=0) or 1
    bars = []
    for index, (label, value, text) in enumerate(items):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = max(round(BAR_SPACE * value / top, 1), MIN_BAR)
        bars.append(Bar(label, value, text, y, width, LABEL_WIDTH + 6 + width, y + BAR_HEIGHT * 0.7))
    height = max(len(items) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
    return BarChart(bars, CHART_WIDTH, height, LABEL_WIDTH, LABEL_WIDTH - 6)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class MonthSlot:
    label: str
    show_label: bool
    label_x: float
    first: Column
    second: Column


@dataclass(frozen=True)
class MonthChart:
    slots: list[MonthSlot]
    width: int
    height: int
    baseline: float
    top_value: int
    column_width: float


def month_chart(rows: Sequence[tuple[str, int, int]]) -> MonthChart:
    """Two columns per month (``(label, first, second)``), on one scale; every third month is labelled."""
    top = max((max(a, b) for _, a, b in rows), default=0) or 1
    slot = CHART_WIDTH / max(len(rows), 1)
    column = slot * 0.38

    def col(x: float, value: int) -> Column:
        height = round(MONTH_HEIGHT * value / top, 1)
        return Column(round(x, 1), round(MONTH_HEIGHT - height, 1), height)

    slots = [
        MonthSlot(
            label=label,
            show_label=index % 3 == 1,  # every third, none at the edges (labels are centred)
            label_x=round(index * slot + slot / 2, 1),
            first=col(index * slot + slot * 0.1, first),
            second=col(index * slot + slot * 0.1 + column, second),
        )
        for index, (label, first, second) in enumerate(rows)
    ]
    return MonthChart(slots, CHART_WIDTH, MONTH_HEIGHT + MONTH_BOTTOM, MONTH_HEIGHT, top, round(column, 1))
