"""Reads for the reports map: one GeoJSON document per bounding box, built from
tiles by ``wegov.core.maptiles`` (see there for how tiles and clusters work)."""

from __future__ import annotations

import hashlib
import json

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from wegov.core import maptiles
from wegov.core.maptiles import BadBBox, BBox, parse_bbox

from . import cache as data_cache
from .models import Report, Status
from .selectors import ReportFilters, filter_reports

__all__ = ["BBox", "BadBBox", "map_geojson", "parse_bbox"]

_FEATURE_FIELDS = ("id", "lat", "lon", "title", "status", "category__service_code")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _base(filters: ReportFilters) -> QuerySet[Report]:
    return filter_reports(Report.objects.filter(is_hidden=False), filters)


class _Writer:
    """Builds the GeoJSON text directly: no model instances, one dumps per value."""

    def __init__(self):
        marker = 987654321
        self.url_head, self.url_tail = reverse("reports:detail", args=[marker]).split(str(marker))
        self.labels = {value: str(label) for value, label in Status.choices}

    def feature(self, row) -> str:
        pk, lat, lon, title, status, category = row
        props = _dumps(
            {
                "id": pk,
                "title": title,
                "status": status,
                "status_label": self.labels.get(status, status),
                "category": category,
                "url": f"{self.url_head}{pk}{self.url_tail}",
            }
        )
        return (
            f'{{"type":"Feature","geometry":{maptiles.point_geometry(lat, lon)},'
            f'"properties":{props}}}'
        )


def map_geojson(*, box: BBox, zoom: int | None, filters: ReportFilters) -> str:
    """The reports around ``box`` matching ``filters``, as a GeoJSON FeatureCollection text
    (``maptiles.geojson``: tiles, grid clusters when crowded).

    Each tile's features are cached for cache.SECONDS under the tile, the
    filters and the language, stamped with the reports data version (see
    cache.py), so a change shows at once."""
    filtering = hashlib.sha256(repr(filters).encode()).hexdigest()[:24]
    source = maptiles.Source(
        queryset=lambda: _base(filters),
        fields=_FEATURE_FIELDS,
        feature=_Writer().feature,
        cache=data_cache.reports_cache,
        cache_key=f"reports:map:{get_language()}:{filtering}",
    )
    return maptiles.geojson(source, box=box, zoom=zoom)
