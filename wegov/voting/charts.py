"""Geometry of the results bar chart (inline SVG, drawn by the template).

Each option gets one horizontal bar: its direct weight, then the weight
delegated to its voters, in two colours with a legend. The chart has a
<title> and <desc>; the table beside it carries the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 200
BAR_AREA = WIDTH - LABEL_WIDTH - 60
ROW = 34
BAR = 22
TOP = 36


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    text_y: int
    direct: int
    delegated: int
    direct_width: float
    delegated_width: float
    delegated_x: float
    value_x: float
    total: int


def weights_chart(results) -> dict:
    top = max(results.max_total, 1)
    bars = []
    for i, r in enumerate(results.options):
        y = TOP + i * ROW
        direct_width = round(BAR_AREA * r.direct / top, 1)
        delegated_width = round(BAR_AREA * r.delegated / top, 1)
        bars.append(
            Bar(
                label=r.option.label if len(r.option.label) <= 28 else r.option.label[:27] + "…",
                y=y,
                text_y=y + BAR // 2 + 5,
                direct=r.direct,
                delegated=r.delegated,
                direct_width=direct_width,
                delegated_width=delegated_width,
                delegated_x=LABEL_WIDTH + direct_width,
                value_x=LABEL_WIDTH + direct_width + delegated_width + 6,
                total=r.total,
            )
        )
    return {
        "width": WIDTH,
        "height": TOP + max(len(bars), 1) * ROW + 10,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR,
        "bars": bars,
        "legend_direct_x": LABEL_WIDTH,
        "legend_delegated_x": LABEL_WIDTH + 170,
    }
