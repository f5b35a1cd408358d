"""Reads of the one map: filters, the GeoJSON of a box, the list beside the map."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from wegov.core import maptiles

from .models import MapItem
from .services import map_cache, mapped_kinds

FEATURE_FIELDS = ("id", "lat", "lon", "kind", "object_id", "title", "status", "category", "url")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True)
class MapFilters:
    kinds: tuple[str, ...] = ()
    category: str = ""
    status: str = ""
    district: str = ""
    start: dt.datetime | None = None  # created at or after
    end: dt.datetime | None = None  # created before
    followed_by: int | None = None  # a user's id: only what they follow

    @classmethod
    def from_days(
        cls, *, start: dt.date | None = None, end: dt.date | None = None, **values
    ) -> MapFilters:
        """Filters with a date range given in days of the city's time zone,
        both days included."""
        tz = timezone.get_current_timezone()

        def midnight(day):
            return dt.datetime.combine(day, dt.time.min, tzinfo=tz) if day else None

        return cls(
            start=midnight(start),
            end=midnight(end + dt.timedelta(days=1)) if end else None,
            **values,
        )

    def cache_key(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()[:24]


def _followed_q(user_id: int) -> Q:
    """Items the user follows: the item itself, or its district or process."""
    from wegov.social.selectors import followed  # social sits beside mapview, not below it

    q = Q(pk__in=[])
    for kind, ids in followed(user_id).items():
        if kind == "district":
            q |= Q(district_id__in=ids)
        elif kind == "process":
            q |= Q(process_id__in=ids)
        else:
            q |= Q(kind=kind, object_id__in=ids)
    return q


def filter_items(filters: MapFilters) -> QuerySet[MapItem]:
    qs = MapItem.objects.all()
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.district:
        qs = qs.filter(district__slug=filters.district)
    if filters.start:
        qs = qs.filter(created_at__gte=filters.start)
    if filters.end:
        qs = qs.filter(created_at__lt=filters.end)
    if filters.followed_by is not None:
        qs = qs.filter(_followed_q(filters.followed_by))
    return qs


class Labels:
    """Translated names of kinds, statuses and categories, read once per use."""

    def __init__(self):
        self.kinds = {kind.kind: str(kind.label) for kind in mapped_kinds()}
        self.statuses = {
            kind.kind: {value: str(label) for value, label in kind.map.statuses()}
            for kind in mapped_kinds()
        }
        self.categories = {
            kind.kind: {value: str(label) for value, label in kind.map.categories()}
            for kind in mapped_kinds()
        }

    def status(self, kind: str, value: str) -> str:
        return self.statuses.get(kind, {}).get(value, value)

    def category(self, kind: str, value: str) -> str:
        return self.categories.get(kind, {}).get(value, value)


class _Writer:
    def __init__(self):
        self.labels = Labels()

    def feature(self, row) -> str:
        _pk, lat, lon, kind, object_id, title, status, category, url = row
        props = _dumps(
            {
                "kind": kind,
                "kind_label": self.labels.kinds.get(kind, kind),
                "id": object_id,
                "title": title,
                "status": status,
                "status_label": self.labels.status(kind, status),
                "category": category,
                "category_label": self.labels.category(kind, category),
                "url": url,
            }
        )
        return (
            f'{{"type":"Feature","geometry":{maptiles.point_geometry(lat, lon)},'
            f'"properties":{props}}}'
        )


class _LazyWriter:
    """Labels cost a few queries: read them only when a tile is rendered."""

    writer = None

    def feature(self, row) -> str:
        if self.writer is None:
            self.writer = _Writer()
        return self.writer.feature(row)


def items_geojson(filters: MapFilters, *, box: maptiles.BBox, zoom: int | None) -> str:
    """The map's items in ``box`` as GeoJSON, clustered where crowded (core.maptiles).

    Tiles are shared through the map cache by everyone asking with the same
    filters and language; a "followed only" view is one person's and is
    rendered each time."""
    personal = filters.followed_by is not None
    source = maptiles.Source(
        queryset=lambda: filter_items(filters),
        fields=FEATURE_FIELDS,
        feature=_LazyWriter().feature,
        cache=None if personal else map_cache,
        cache_key=f"map:items:{get_language()}:{filters.cache_key()}",
    )
    return maptiles.geojson(source, box=box, zoom=zoom)


def list_items(filters: MapFilters) -> QuerySet[MapItem]:
    """The same items as a list, newest first (the map is never required)."""
    return filter_items(filters).select_related("district").order_by("-created_at", "-id")


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.kind, kind.label) for kind in mapped_kinds()]


def category_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(kind label, [(value, label)]) for a grouped select."""
    return [(str(kind.label), list(kind.map.categories())) for kind in mapped_kinds()]


def status_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(str(kind.label), list(kind.map.statuses())) for kind in mapped_kinds()]
