"""Reads for the base-map problem pages, the API and the exports."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from .models import BaseMapFlag, Kind, Status


def flags(*, status: str = "", kind: str = "") -> QuerySet[BaseMapFlag]:
    """The mappers' list: newest first, with what the rows show joined."""
    qs = BaseMapFlag.objects.select_related("district", "reporter")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def own_flags(user) -> QuerySet[BaseMapFlag]:
    return (
        BaseMapFlag.objects.filter(reporter=user)
        .select_related("district")
        .order_by("-created_at", "-id")
    )


def flag_detail(pk: int) -> BaseMapFlag | None:
    return (
        BaseMapFlag.objects.select_related("district", "reporter", "status_changed_by")
        .filter(pk=pk)
        .first()
    )


def export_flags() -> QuerySet[BaseMapFlag]:
    """What the exports contain: the open flags, oldest first."""
    return (
        BaseMapFlag.objects.filter(status=Status.OPEN)
        .only("id", "kind", "description", "lat", "lon", "osm_type", "osm_id", "created_at")
        .order_by("created_at", "id")
    )


# --- GeoJSON -------------------------------------------------------------------------
# Exports are in English (OSM notes and MapRoulette challenges are read by
# mappers anywhere) and hold no personal data: no reporter, no staff notes.


def flag_url(flag: BaseMapFlag) -> str:
    return settings.WEGOV_BASE_URL.rstrip("/") + flag.get_absolute_url()


def note_text(flag: BaseMapFlag) -> str:
    """The text of an OpenStreetMap note about the flag."""
    lines = [f"{kind_label(flag.kind)}: {flag.description}"]
    if flag.osm_type:
        lines.append(f"OSM element: {flag.osm_reference}")
    lines.append(f"Reported to {settings.WEGOV_CITY_NAME} via WeGov: {flag_url(flag)}")
    return "\n".join(lines)


def kind_label(value: str) -> str:
    """The kind in English (exports are read by mappers anywhere)."""
    with translation.override("en"):
        return str(Kind(value).label)


def feature(flag: BaseMapFlag) -> dict:
    properties = {
        "id": f"wegov-basemap-{flag.pk}",
        "name": f"{kind_label(flag.kind)} #{flag.pk}",
        "instruction": note_text(flag),
        "kind": flag.kind,
        "description": flag.description,
        "created": flag.created_at.date().isoformat(),
        "url": flag_url(flag),
        # What an OSM note takes: POST /api/0.6/notes?lat=..&lon=..&text=..
        "note_lat": round(flag.lat, 7),
        "note_lon": round(flag.lon, 7),
        "note_text": note_text(flag),
    }
    if flag.osm_type:
        properties["osm_type"] = flag.osm_type
        properties["osm_id"] = flag.osm_id
        properties["@id"] = flag.osm_reference
    return {
        "type": "Feature",
        "id": flag.pk,
        "geometry": {"type": "Point", "coordinates": [round(flag.lon, 7), round(flag.lat, 7)]},
        "properties": properties,
    }


def feature_collection(rows) -> dict:
    return {"type": "FeatureCollection", "features": [feature(flag) for flag in rows]}


RECORD_SEPARATOR = "\x1e"


def challenge_lines(rows) -> Iterator[str]:
    """MapRoulette's line-by-line GeoJSON (RFC 7464 text sequence): one
    FeatureCollection per task, each line starting with a record separator."""
    for flag in rows:
        collection = {"type": "FeatureCollection", "features": [feature(flag)]}
        yield RECORD_SEPARATOR + json.dumps(collection, ensure_ascii=False) + "\n"
