"""Writes of the OSM index: importing an extract, replacing the previous index."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import osmium
from django.db import transaction
from django.utils.translation import gettext as _

from wegov.core.audit import audit
from wegov.core.events import emit

from . import features as feature_config
from .geo import normalise, normalise_housenumber, ring_centroid
from .models import Address, Feature, NoPlaceArea, OsmImport, Street

BATCH_SIZE = 2000
SUFFIXES = (".osm", ".osm.pbf", ".pbf", ".osm.gz", ".osm.bz2", ".o5m", ".osc")

# Roads, paths and squares people give as "where": named highway ways except these.
NOT_STREETS = {"proposed", "construction", "abandoned", "razed", "platform", "raceway", "no"}
WATER_TAGS = [("natural", "water"), ("waterway", "riverbank"), ("landuse", "reservoir")]


class ImportFailed(ValueError):
    """The file is not a readable OSM extract, or holds nothing to index."""


@dataclass
class _Collected:
    streets: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    features: list = field(default_factory=list)
    areas: list = field(default_factory=list)
    objects: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "streets": len(self.streets),
            "addresses": len(self.addresses),
            "features": len(self.features),
            "water": sum(1 for a in self.areas if a.kind == NoPlaceArea.Kind.WATER),
            "buildings": sum(1 for a in self.areas if a.kind == NoPlaceArea.Kind.BUILDING),
            "objects_read": self.objects,
        }


def _r(value: float) -> float:
    return round(value, 7)


def _way_points(way) -> list[tuple[float, float]]:
    points = []
    for node in way.nodes:
        if node.location.valid():
            points.append((_r(node.lat), _r(node.lon)))
    return points


def _is_water(tags) -> bool:
    return any(tags.get(k) == v for k, v in WATER_TAGS)


def _address(tags, osm_type: str, osm_id: int, lat: float, lon: float) -> Address | None:
    number = tags.get("addr:housenumber", "").strip()
    street = (tags.get("addr:street") or tags.get("addr:place") or "").strip()
    if not number or not street:
        return None
    return Address(
        osm_type=osm_type,
        osm_id=osm_id,
        street=street[:200],
        norm_street=normalise(street)[:200],
        housenumber=number[:20],
        norm_housenumber=normalise_housenumber(number)[:20],
        postcode=tags.get("addr:postcode", "").strip()[:20],
        city=tags.get("addr:city", "").strip()[:120],
        lat=_r(lat),
        lon=_r(lon),
    )


def _feature(kind, tags, osm_type, osm_id, lat, lon) -> Feature:
    return Feature(
        kind=kind,
        osm_type=osm_type,
        osm_id=osm_id,
        name=tags.get("name", "")[:200],
        ref=tags.get("ref", "")[:60],
        lat=_r(lat),
        lon=_r(lon),
    )


def _bbox(points) -> dict[str, float]:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return {"min_lat": min(lats), "min_lon": min(lons), "max_lat": max(lats), "max_lon": max(lons)}


def _read(path: str) -> _Collected:
    found = _Collected()
    match_feature = feature_config.matcher()
    processor = osmium.FileProcessor(path).with_areas()
    for obj in processor:
        found.objects += 1
        tags = obj.tags
        if not len(tags):
            continue
        if obj.is_node():
            if not obj.location.valid():
                continue
            lat, lon = obj.location.lat, obj.location.lon
            address = _address(tags, "n", obj.id, lat, lon)
            if address:
                found.addresses.append(address)
            kind = match_feature(tags)
            if kind:
                found.features.append(_feature(kind, tags, "n", obj.id, lat, lon))
        elif obj.is_way():
            _read_way(found, obj, tags, match_feature)
        elif obj.is_area():
            _read_area(found, obj, tags, match_feature)
    return found


def _read_way(found: _Collected, way, tags, match_feature) -> None:
    highway, name = tags.get("highway"), tags.get("name", "").strip()
    wants_street = highway and name and highway not in NOT_STREETS
    wants_point = "addr:housenumber" in tags or match_feature(tags)
    if not (wants_street or wants_point):
        return
    points = _way_points(way)
    if not points:
        return
    if wants_street and len(points) >= 2:
        found.streets.append(
            Street(
                osm_id=way.id,
                name=name[:200],
                norm_name=normalise(name)[:200],
                highway=highway[:40],
                coords=[c for point in points for c in point],
                **_bbox(points),
            )
        )
    if wants_point:
        if len(points) >= 4 and points[0] == points[-1]:
            lat, lon = ring_centroid(points)
        else:
            lat, lon = points[len(points) // 2]
        address = _address(tags, "w", way.id, lat, lon)
        if address:
            found.addresses.append(address)
        kind = match_feature(tags)
        if kind:
            found.features.append(_feature(kind, tags, "w", way.id, lat, lon))


def _read_area(found: _Collected, area, tags, match_feature) -> None:
    water = _is_water(tags)
    building = tags.get("building", "no") != "no"
    from_relation = not area.from_way()
    if not (water or building or from_relation):
        return
    polygons = []
    for outer in area.outer_rings():
        rings = [[(_r(n.lat), _r(n.lon)) for n in outer if n.location.valid()]]
        rings += [
            [(_r(n.lat), _r(n.lon)) for n in inner if n.location.valid()]
            for inner in area.inner_rings(outer)
        ]
        rings = [ring for ring in rings if len(ring) >= 4]
        if rings:
            polygons.append(rings)
    if not polygons:
        return
    osm_id = area.orig_id()
    osm_type = "w" if area.from_way() else "r"
    if from_relation:
        # Ways were handled as ways; a multipolygon's address or feature sits
        # at its first outer ring's centroid.
        lat, lon = ring_centroid(polygons[0][0])
        address = _address(tags, "r", osm_id, lat, lon)
        if address:
            found.addresses.append(address)
        kind = match_feature(tags)
        if kind:
            found.features.append(_feature(kind, tags, "r", osm_id, lat, lon))
    if not (water or building):
        return
    lonlat = [[[[lon, lat] for lat, lon in ring] for ring in rings] for rings in polygons]
    geometry = (
        {"type": "Polygon", "coordinates": lonlat[0]}
        if len(lonlat) == 1
        else {"type": "MultiPolygon", "coordinates": lonlat}
    )
    outer_points = [p for rings in polygons for p in rings[0]]
    name = tags.get("name", "").strip()
    if not name and building and "addr:housenumber" in tags:
        name = f"{tags.get('addr:street', '')} {tags.get('addr:housenumber')}".strip()
    found.areas.append(
        NoPlaceArea(
            kind=NoPlaceArea.Kind.WATER if water else NoPlaceArea.Kind.BUILDING,
            osm_type=osm_type,
            osm_id=osm_id,
            name=name[:200],
            geometry=geometry,
            **_bbox(outer_points),
        )
    )


def check_extract_path(path: str | Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(_("There is no file at %(path)s.") % {"path": path})
    if not path.name.lower().endswith(SUFFIXES):
        raise ImportFailed(
            _("%(name)s is not an OpenStreetMap extract: use a .osm or .osm.pbf file.")
            % {"name": path.name}
        )
    return str(path)


def osm_import(*, path: str | Path, actor=None) -> OsmImport:
    """Read an OSM extract and replace the whole index with it, atomically.

    A file that is not OSM, or holds nothing the index keeps, raises
    ImportFailed and leaves the previous index as it was."""
    started = time.monotonic()
    source = check_extract_path(path)
    try:
        found = _read(source)
    except RuntimeError as exc:
        raise ImportFailed(
            _("%(name)s could not be read as an OpenStreetMap extract: %(error)s")
            % {"name": Path(source).name, "error": exc}
        ) from exc
    counts = found.counts()
    if not (found.streets or found.addresses or found.features or found.areas):
        raise ImportFailed(
            _("%(name)s holds no streets, addresses, features, water or buildings.")
            % {"name": Path(source).name}
        )
    with transaction.atomic():
        for model in (Street, Address, Feature, NoPlaceArea):
            model.objects.all().delete()
        Street.objects.bulk_create(found.streets, batch_size=BATCH_SIZE)
        Address.objects.bulk_create(found.addresses, batch_size=BATCH_SIZE)
        Feature.objects.bulk_create(found.features, batch_size=BATCH_SIZE)
        NoPlaceArea.objects.bulk_create(found.areas, batch_size=BATCH_SIZE)
        record = OsmImport.objects.create(
            source=Path(source).name[:255],
            counts=counts,
            seconds=round(time.monotonic() - started, 2),
        )
        audit(actor=actor, action="osm.imported", target=record, after=counts)
        emit("osm.imported", import_id=record.pk, counts=counts)
    return record
