"""Geometry of the opinion map (inline SVG, drawn by ``opinions/_opinion_map.html``).

Every participant in a group is a point in the analysis' two-dimensional
projection: people who voted alike are close. Each group has its own colour
AND marker shape (circle, triangle, square, diamond, cross), so the map reads
without colour too. All markers of a group are one ``<path>``, so even a
big map stays a handful of elements; past ``MAX_POINTS`` participants the map
draws an even sample of each group and says how many it shows. The viewer's own
point is ringed and labelled "You". The table next to the map carries the same
information in words.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 440
PADDING = 36
MAX_POINTS = 2000
MARKER = 4.5  # half the marker's size, in SVG units


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if text in ("0.0", "-0.0") else text.removesuffix(".0")


def marker_path(shape: str, x: float, y: float, r: float = MARKER) -> str:
    """SVG path data of one marker centred on (x, y)."""
    X, Y, R, D = _fmt(x), _fmt(y), _fmt(r), _fmt(2 * r)
    if shape == "circle":
        return f"M{_fmt(x - r)} {Y}a{R} {R} 0 1 0 {D} 0a{R} {R} 0 1 0 -{D} 0z"
    if shape == "square":
        s = r * 0.9
        return f"M{_fmt(x - s)} {_fmt(y - s)}h{_fmt(2 * s)}v{_fmt(2 * s)}h-{_fmt(2 * s)}z"
    if shape == "triangle":
        h = r * 1.2
        return f"M{X} {_fmt(y - h)}l{_fmt(h)} {_fmt(2 * h * 0.87)}h-{_fmt(2 * h)}z"
    if shape == "diamond":
        d = r * 1.25
        return f"M{X} {_fmt(y - d)}l{_fmt(d)} {_fmt(d)}l-{_fmt(d)} {_fmt(d)}l-{_fmt(d)} -{_fmt(d)}z"
    # cross (a plus sign), a filled outline
    a, b = r * 1.2, r * 0.4
    return (
        f"M{_fmt(x - b)} {_fmt(y - a)}h{_fmt(2 * b)}v{_fmt(a - b)}h{_fmt(a - b)}v{_fmt(2 * b)}"
        f"h-{_fmt(a - b)}v{_fmt(a - b)}h-{_fmt(2 * b)}v-{_fmt(a - b)}h-{_fmt(a - b)}"
        f"v-{_fmt(2 * b)}h{_fmt(a - b)}z"
    )


@dataclass
class MapLayer:
    group: object  # selectors.GroupView
    path: str
    shown: int
    label_x: float
    label_y: float


def sample(points: list, limit: int) -> list:
    """At most ``limit`` points, an even share of each group, in a fixed order.

    The points are sorted by participant number and every n-th is taken, so the
    same analysis always draws the same points.
    """
    if len(points) <= limit:
        return points
    by_group: dict[int, list] = {}
    for point in sorted(points, key=lambda p: p[0]):
        by_group.setdefault(point[3], []).append(point)
    # Every group keeps at least one point; the rest is shared by size.
    quotas = {g: max(1, round(limit * len(m) / len(points))) for g, m in by_group.items()}
    while sum(quotas.values()) > max(limit, len(quotas)):
        largest = max(quotas, key=lambda g: quotas[g])
        quotas[largest] -= 1
    kept = []
    for g, members in by_group.items():
        step = len(members) / quotas[g]
        kept.extend(members[int(i * step)] for i in range(quotas[g]))
    return kept


def opinion_map(results, *, max_points: int = MAX_POINTS) -> dict | None:
    """Everything ``_opinion_map.html`` draws, or None without groups."""
    if not results.has_groups:
        return None
    result = results.analysis.result
    points = result.get("points", [])
    xs = [p[1] for p in points] + [g.center[0] for g in results.groups]
    ys = [p[2] for p in points] + [g.center[1] for g in results.groups]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
    # One scale for both axes (distances mean the same either way), as large as fits.
    scale = min((WIDTH - 2 * PADDING) / span_x, (HEIGHT - 2 * PADDING) / span_y)
    off_x = (WIDTH - scale * (max_x - min_x)) / 2
    off_y = (HEIGHT - scale * (max_y - min_y)) / 2

    def to_svg(x: float, y: float) -> tuple[float, float]:
        # SVG's y grows downwards; the projection's upwards.
        return off_x + scale * (x - min_x), HEIGHT - (off_y + scale * (y - min_y))

    drawn = sample(points, max_points)
    paths: dict[int, list[str]] = {g.label: [] for g in results.groups}
    shapes = {g.label: g.style.shape for g in results.groups}
    for _number, x, y, label in drawn:
        if label in paths:
            paths[label].append(marker_path(shapes[label], *to_svg(x, y)))
    layers = []
    for g in results.groups:
        cx, cy = to_svg(*g.center)
        layers.append(
            MapLayer(
                group=g,
                path="".join(paths[g.label]),
                shown=len(paths[g.label]),
                label_x=round(min(max(cx, 50), WIDTH - 50), 1),
                label_y=round(min(max(cy - 14, 20), HEIGHT - 10), 1),
            )
        )
    you = None
    if results.viewer.point is not None:
        vx, vy = to_svg(*results.viewer.point)
        you = {
            "x": round(vx, 1),
            "y": round(vy, 1),
            "text_x": round(vx + 14 if vx < WIDTH - 60 else vx - 14, 1),
            "text_y": round(vy + 5, 1),
            "anchor": "start" if vx < WIDTH - 60 else "end",
            "marker": marker_path(results.viewer.group.style.shape, vx, vy, MARKER * 1.5)
            if results.viewer.group
            else "",
            "colour": results.viewer.group.style.colour if results.viewer.group else "#0b0c0c",
        }
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "layers": layers,
        "you": you,
        "total": len(points),
        "shown": len(drawn),
        "sampled": len(drawn) < len(points),
    }


def legend_marker(shape: str) -> str:
    """Path data of a marker in a 16 by 16 legend icon."""
    return marker_path(shape, 8, 8, 5)
