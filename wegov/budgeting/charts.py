"""Geometry for the results page's SVG charts (drawn by the templates
``budgeting/_chart_votes.svg.html`` and ``_chart_spending.svg.html``, on the
server: no JavaScript needed). Every chart has a table next to it with the
same numbers."""

from __future__ import annotations

from .models import Budget

WIDTH = 640
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 10
BAR_MAX = 520  # leaves room for the value after the longest bar
TITLE_MAX = 70
# GOV.UK colours: green for funded, mid grey for not funded, light grey for the rest.
FUNDED = "#00703c"
NOT_FUNDED = "#505a5f"
LEFT_OVER = "#b1b4b6"
SEGMENT_COLOURS = ("#00703c", "#1d70b8", "#4c2c92", "#d4351c", "#f47738", "#28a197")


def _short(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def bar_chart(budget: Budget, rows) -> dict:
    """One bar per project: its score (votes, or points), funded in green."""
    top = max((row.score for row in rows), default=0)
    bars = []
    y = 0
    for row in rows:
        width = round(BAR_MAX * row.score / top) if top else 0
        bars.append(
            {
                "label": _short(row.title),
                "label_y": y + 13,
                "bar_y": y + LABEL_HEIGHT,
                "width": max(width, 1),
                "value": row.score,
                "value_x": max(width, 1) + 6,
                "value_y": y + LABEL_HEIGHT + 12,
                "fill": FUNDED if row.selected else NOT_FUNDED,
                "selected": row.selected,
            }
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return {"width": WIDTH, "height": max(y, 1), "bars": bars, "bar_height": BAR_HEIGHT}


def spending_chart(budget: Budget, funded) -> dict:
    """The budget as one bar, split into the funded projects' costs and what is left."""
    segments = []
    x = 0.0
    for index, row in enumerate(funded):
        width = WIDTH * row.cost / budget.amount if budget.amount else 0
        segments.append(
            {
                "x": round(x, 2),
                "width": round(width, 2),
                "fill": SEGMENT_COLOURS[index % len(SEGMENT_COLOURS)],
                "label": row.title,
                "cost": row.cost,
            }
        )
        x += width
    left = max(WIDTH - x, 0)
    return {
        "width": WIDTH,
        "height": 40,
        "segments": segments,
        "left": {"x": round(x, 2), "width": round(left, 2), "fill": LEFT_OVER},
    }
