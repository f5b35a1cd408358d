"""Map data as GeoJSON, one document per bounding box, built from cached tiles.

Like a map server, the map is cut into fixed square tiles on a grid aligned
on the globe (a power-of-two number of degrees, chosen from the box's size).
A tile with few points shows them one by one; a crowded tile shows grid
clusters aggregated in the database (``GROUP BY`` on a grid cell computed from
lat/lon), so a response stays bounded whatever the number of points. A tile's
features depend on the tile alone, not on the box, so every box touching the
tile (panning, other visitors) shares the cached result, clusters never jump,
and no cell is ever half counted.

The reports' own map (``wegov.reports.geo``) and the map of every kind of
contribution (``wegov.mapview``) both draw through ``geojson()``: each gives a
filtered queryset with ``lat``/``lon`` columns, the columns a feature needs and
how to write one.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, IntegerField, Min, Q, QuerySet, Value
from django.db.models.functions import Cast, Floor
from django.utils.translation import gettext as _

from .versioned_cache import VersionedCache

# A box shows at most this many points one by one (a quarter of it per tile);
# a tile holding more shows clusters.
MAX_FEATURES = 500
# At street level (zoom >= STREET_ZOOM) up to MAX_STREET_FEATURES stay individual.
STREET_ZOOM = 16
MAX_STREET_FEATURES = 2000
# Tiles larger than this (degrees) always cluster.
MAX_UNCLUSTERED_SPAN = 2.0
# A tile has CELLS_ACROSS x CELLS_ACROSS cells: CELLS_ACROSS / 2 to CELLS_ACROSS across the box
# (on a 600-pixel map, a cluster every 40 to 75 pixels: the bubbles do not overlap).
CELLS_ACROSS = 16
# Cells holding a single point are shown as that point while there are at most
# this many (a quarter of it per tile).
MAX_SINGLE_CELL_DETAILS = 500


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def span(self) -> float:
        return max(self.max_lon - self.min_lon, self.max_lat - self.min_lat)


class BadBBox(ValueError):
    pass


def parse_bbox(raw: str) -> BBox:
    """``minlon,minlat,maxlon,maxlat`` (WGS84 degrees), as Leaflet's toBBoxString() gives."""
    parts = [p.strip() for p in (raw or "").split(",")]
    if len(parts) != 4:
        raise BadBBox(_("bbox must be four numbers: minlon,minlat,maxlon,maxlat."))
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BadBBox(_("bbox must be four numbers: minlon,minlat,maxlon,maxlat.")) from None
    if not all(math.isfinite(v) for v in values):
        raise BadBBox(_("bbox must be four finite numbers."))
    box = BBox(*values)
    if not (-90 <= box.min_lat <= 90 and -90 <= box.max_lat <= 90):
        raise BadBBox(_("Latitudes must lie between -90 and 90."))
    if not (-180 <= box.min_lon <= 180 and -180 <= box.max_lon <= 180):
        raise BadBBox(_("Longitudes must lie between -180 and 180."))
    if box.min_lon >= box.max_lon or box.min_lat >= box.max_lat:
        raise BadBBox(_("In bbox, the minimum must be smaller than the maximum."))
    return box


def tile_size(box: BBox) -> float:
    """A power of two (degrees) at least the box's span: at most 2 x 2 tiles cover the box."""
    return 2.0 ** math.ceil(math.log2(box.span))


def cell_size(box: BBox) -> float:
    """A power of two (degrees) giving CELLS_ACROSS/2 to CELLS_ACROSS cells across the box."""
    return tile_size(box) / CELLS_ACROSS


def tiles_for(box: BBox, size: float) -> list[tuple[int, int]]:
    """The (tx, ty) of the tiles of ``size`` degrees covering ``box``, row by row.

    Tile (tx, ty) holds longitudes [tx * size, (tx + 1) * size) and latitudes
    [ty * size, (ty + 1) * size)."""
    inverse = 1.0 / size  # exact: size is a power of two
    x0, y0 = math.floor(box.min_lon * inverse), math.floor(box.min_lat * inverse)
    x1 = max(x0, math.ceil(box.max_lon * inverse) - 1)
    y1 = max(y0, math.ceil(box.max_lat * inverse) - 1)
    return [(tx, ty) for ty in range(y0, y1 + 1) for tx in range(x0, x1 + 1)]


def tile_q(size: float, x0: int, y0: int, x1: int, y1: int) -> Q:
    # Half-open, so a point on a tile edge belongs to exactly one tile.
    # Served by a composite (lat, lon) index.
    return Q(
        lat__gte=y0 * size, lat__lt=(y1 + 1) * size, lon__gte=x0 * size, lon__lt=(x1 + 1) * size
    )


def cluster_feature(lat: float, lon: float, count: int) -> str:
    return (
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":'
        f"[{round(lon, 6)!r},{round(lat, 6)!r}]}},"
        f'"properties":{{"cluster":true,"count":{int(count)}}}}}'
    )


def point_geometry(lat: float, lon: float) -> str:
    return f'{{"type":"Point","coordinates":[{round(lon, 6)!r},{round(lat, 6)!r}]}}'


def html_safe(text: str) -> str:
    # Like Django's json_script: the document stays data even if pasted into HTML.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class Source:
    """What one map draws: its points and how to write each as a GeoJSON feature.

    ``queryset``: makes the filtered rows (any order; it is reset), with
    ``lat`` and ``lon`` columns; called only when a tile must be rendered, as
    building a queryset costs more than a cached answer. ``fields``: the
    columns a feature needs, starting with the primary key, lat and lon.
    ``feature``: one row of ``fields`` -> the feature's JSON text. ``cache``
    and ``cache_key`` (naming the filters and the language) share rendered
    tiles; without a cache every call renders.
    """

    queryset: Callable[[], QuerySet]
    fields: Sequence[str]
    feature: Callable[[tuple], str]
    cache: VersionedCache | None = None
    cache_key: str = ""


def _render_tiles(
    source: Source, size: float, tiles: list[tuple[int, int]], *, street: bool
) -> dict[tuple[int, int], tuple[bool, str, bytes]]:
    """(clustered, features text, cell offsets) of every tile in the rectangle spanned by ``tiles``.

    Two queries however many tiles: a GROUP BY over grid cells (CELLS_ACROSS x
    CELLS_ACROSS a tile), then the details of the points shown one by one (all
    of a sparse tile's; in a dense tile those alone in their cell). What a tile
    shows depends on that tile alone, so it can be cached and shared by every
    box that touches it."""
    qs = source.queryset().order_by()
    pk_name = qs.model._meta.pk.name
    x0, x1 = min(t[0] for t in tiles), max(t[0] for t in tiles)
    y0, y1 = min(t[1] for t in tiles), max(t[1] for t in tiles)
    inverse = CELLS_ACROSS / size  # exact: a power of two
    cells = (
        qs.filter(tile_q(size, x0, y0, x1, y1))
        .annotate(
            gx=Cast(Floor(F("lon") * Value(inverse, FloatField())), IntegerField()),
            gy=Cast(Floor(F("lat") * Value(inverse, FloatField())), IntegerField()),
        )
        .values_list("gx", "gy")
        .annotate(n=Count(pk_name), alat=Avg("lat"), alon=Avg("lon"), first=Min(pk_name))
        .order_by()
    )
    by_tile: dict[tuple[int, int], list] = {
        (tx, ty): [] for ty in range(y0, y1 + 1) for tx in range(x0, x1 + 1)
    }
    for cell in cells:
        tile = (cell[0] // CELLS_ACROSS, cell[1] // CELLS_ACROSS)
        if tile in by_tile:  # always, short of rounding at the very edge
            by_tile[tile].append(cell)
    # A sparse tile shows its points, a dense one clusters; a box has at most 4 tiles.
    limit = (MAX_STREET_FEATURES if street else MAX_FEATURES) // 4
    always = size > MAX_UNCLUSTERED_SPAN
    sparse = {
        t for t, cs in by_tile.items() if cs and not always and sum(c[2] for c in cs) <= limit
    }
    wanted = Q()
    singles = []
    for tile, tile_cells in by_tile.items():
        if tile in sparse:
            wanted |= tile_q(size, *tile, *tile)
        else:
            alone = [c[5] for c in tile_cells if c[2] == 1]
            if len(alone) <= MAX_SINGLE_CELL_DETAILS // 4:
                singles.extend(alone)
    if singles:
        wanted |= Q(pk__in=singles)
    details: dict[int, tuple] = {}
    if wanted:
        details = {row[0]: row for row in qs.filter(wanted).values_list(*source.fields)}
    in_cells: dict[tuple[int, int], list] = defaultdict(list)  # (gx, gy): feature texts
    for tile, tile_cells in by_tile.items():
        if tile not in sparse:
            for gx, gy, n, alat, alon, first in tile_cells:
                row = details.get(first) if n == 1 else None
                text = source.feature(row) if row else cluster_feature(alat, alon, n)
                in_cells[(gx, gy)].append(text)
    for row in sorted(details.values()):
        gx, gy = math.floor(row[2] * inverse), math.floor(row[1] * inverse)
        if (gx // CELLS_ACROSS, gy // CELLS_ACROSS) in sparse:
            in_cells[(gx, gy)].append(source.feature(row))
    rendered = {}
    for tile in by_tile:
        # One text, features in cell order (row by row), each followed by a comma;
        # offsets[i] is where cell i starts, so a box takes its cells by slicing.
        chunks, offsets, at = [], array("I"), 0
        cx0, cy0 = tile[0] * CELLS_ACROSS, tile[1] * CELLS_ACROSS
        for gy in range(cy0, cy0 + CELLS_ACROSS):
            for gx in range(cx0, cx0 + CELLS_ACROSS):
                offsets.append(at)
                for text in in_cells.get((gx, gy), ()):
                    chunk = html_safe(text) + ","
                    chunks.append(chunk)
                    at += len(chunk)
        offsets.append(at)
        clustered = tile not in sparse and bool(by_tile[tile])
        rendered[tile] = (clustered, "".join(chunks), offsets.tobytes())
    return rendered


def _cells_in_box(tile, value, box: BBox, inverse: float) -> str:
    """The features of ``tile``'s cells that overlap ``box`` (each followed by a comma)."""
    _clustered, text, offsets = value
    if not text:
        return ""
    offsets = memoryview(offsets).cast("I")
    x0, y0 = tile[0] * CELLS_ACROSS, tile[1] * CELLS_ACROSS
    last = CELLS_ACROSS - 1
    cx0 = min(max(math.floor(box.min_lon * inverse) - x0, 0), last)
    cx1 = min(max(math.ceil(box.max_lon * inverse) - 1 - x0, cx0), last)
    cy0 = min(max(math.floor(box.min_lat * inverse) - y0, 0), last)
    cy1 = min(max(math.ceil(box.max_lat * inverse) - 1 - y0, cy0), last)
    if cx0 == 0 and cx1 == last:
        return text[offsets[cy0 * CELLS_ACROSS] : offsets[(cy1 + 1) * CELLS_ACROSS]]
    return "".join(
        text[offsets[row + cx0] : offsets[row + cx1 + 1]]
        for row in range(cy0 * CELLS_ACROSS, (cy1 + 1) * CELLS_ACROSS, CELLS_ACROSS)
    )


def geojson(source: Source, *, box: BBox, zoom: int | None) -> str:
    """The points of ``source`` around ``box``, as a GeoJSON FeatureCollection text.

    Built from fixed tiles of ``tile_size(box)`` degrees (a power of two at least
    the box's span, so at most 2 x 2 tiles cover the box). A tile holding at most
    a quarter of MAX_FEATURES points (of MAX_STREET_FEATURES at zoom >=
    STREET_ZOOM) shows them one by one; a denser tile shows grid clusters
    ``{"cluster": true, "count": n}`` (CELLS_ACROSS x CELLS_ACROSS cells a tile)
    at their points' mean position, a cell with one point as that point.
    ``clustered`` says whether any tile clustered. The document holds the grid
    cells overlapping the box, whole, so it may hold points up to a cell
    outside the box (a map shows what is in view and ignores the rest).

    With a cache, each tile's features are kept under the tile and
    ``source.cache_key``, stamped with the cache's data version: every box
    touching the tile shares the work, and a change shows at once. A hit costs
    one cache round trip and no query; a miss two queries, however many tiles
    are missing.
    """
    size = tile_size(box)
    tiles = tiles_for(box, size)
    street = zoom is not None and zoom >= STREET_ZOOM
    if source.cache is None:
        by_tile = _render_tiles(source, size, tiles, street=street)
    else:
        keys = {
            tile: f"{source.cache_key}:{size!r}:{tile[0]}:{tile[1]}:{int(street)}" for tile in tiles
        }
        version, found = source.cache.get_many(list(keys.values()))
        if len(found) < len(keys):
            missing = [tile for tile, key in keys.items() if key not in found]
            rendered = _render_tiles(source, size, missing, street=street)
            fresh = {keys[t]: v for t, v in rendered.items() if t in keys}
            source.cache.set_many(version, fresh)
            found.update(fresh)
        by_tile = {tile: found[key] for tile, key in keys.items()}
    inverse = CELLS_ACROSS / size
    features = "".join(_cells_in_box(t, by_tile[t], box, inverse) for t in tiles)[:-1]
    clustered = "true" if any(value[0] for value in by_tile.values()) else "false"
    return (
        f'{{"type":"FeatureCollection","clustered":{clustered},'
        f'"cell_size":{size / CELLS_ACROSS!r},"features":[{features}]}}'
    )
