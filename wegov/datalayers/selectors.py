"""Reads of the data-layers app, shared by the pages, the API and the map.

For the map page: ``public_layers()`` (objects with ``.slug``, ``.name``,
``.attribution``, ``.licence``, ``.geojson_url``) and the URL name
``datalayers:geojson`` (kwargs ``slug``); ``features_in_bbox(layer, box, limit)``
for rows with ``key``, ``name``, ``lat``, ``lon``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import DataLayer, FeatureLink, LayerFeature
from .services import LINK_RADIUS_M, distance_m

# (min_lon, min_lat, max_lon, max_lat), as Leaflet's toBBoxString() gives.
BBox = Sequence[float]


def public_layers() -> list[DataLayer]:
    """The layers citizens may see (not those an administrator hid), by name."""
    return list(DataLayer.objects.filter(is_public=True).order_by("name", "id"))


def public_layer(slug: str) -> DataLayer:
    """The public layer with this slug; ``Http404`` for an unknown or hidden one."""
    return get_object_or_404(DataLayer, slug=slug, is_public=True)


def staff_layers() -> QuerySet[DataLayer]:
    return DataLayer.objects.select_related("created_by").order_by("name", "id")


def features_in_bbox(layer: DataLayer, box: BBox | None, limit: int) -> list[LayerFeature]:
    """At most ``limit`` features of the layer (inside ``box`` when given), in
    a stable order; one indexed query."""
    features = LayerFeature.objects.filter(layer=layer)
    if box is not None:
        min_lon, min_lat, max_lon, max_lat = box
        features = features.filter(
            lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon
        )
    return list(features.order_by("id").only("key", "name", "lat", "lon", "properties")[:limit])


def features_near(
    lat: float, lon: float, *, radius_m: float = LINK_RADIUS_M, limit: int = 50
) -> list[LayerFeature]:
    """Features of public layers within ``radius_m`` of the point, nearest first;
    each has ``.distance_m`` and its ``.layer`` loaded."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    candidates = (
        LayerFeature.objects.filter(
            layer__is_public=True,
            lat__gte=lat - dlat,
            lat__lte=lat + dlat,
            lon__gte=lon - dlon,
            lon__lte=lon + dlon,
        )
        .select_related("layer")
        .order_by("id")[:2000]
    )
    near = []
    for feature in candidates:
        feature.distance_m = distance_m(lat, lon, feature.lat, feature.lon)
        if feature.distance_m <= radius_m:
            near.append(feature)
    near.sort(key=lambda f: (f.distance_m, f.layer.name, f.name))
    return near[:limit]


def links_of(kind: str, object_id: int, *, public_only: bool = True) -> list[FeatureLink]:
    """The contribution's links with their feature and layer, in one query."""
    links = FeatureLink.objects.filter(contribution_kind=kind, contribution_id=object_id)
    if public_only:
        links = links.filter(feature__layer__is_public=True)
    return list(links.select_related("feature__layer").order_by("created_at", "id"))


class BadBBox(ValueError):
    pass


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """``minlon,minlat,maxlon,maxlat`` in WGS84 degrees; None when absent.
    Raises ``BadBBox`` with a message the client can read."""
    if raw is None or not raw.strip():
        return None
    parts = raw.split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise BadBBox(_("bbox must be four numbers: minlon,minlat,maxlon,maxlat."))
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise BadBBox(_("Longitudes must lie between -180 and 180."))
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise BadBBox(_("Latitudes must lie between -90 and 90."))
    if min_lon > max_lon or min_lat > max_lat:
        raise BadBBox(_("In bbox, the minimum must not be larger than the maximum."))
    return min_lon, min_lat, max_lon, max_lat


def layer_geojson(layer: DataLayer, box, limit: int) -> dict:
    """The layer's features (in ``box``) as a GeoJSON FeatureCollection of at
    most ``limit`` points; ``truncated`` says whether more matched."""
    rows = features_in_bbox(layer, box, limit + 1)
    return {
        "type": "FeatureCollection",
        "name": layer.name,
        "attribution": layer.attribution,
        "licence": layer.licence,
        "truncated": len(rows) > limit,
        "features": [
            {
                "type": "Feature",
                "id": row.key,
                "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                "properties": {"key": row.key, "name": row.name},
            }
            for row in rows[:limit]
        ],
    }
