"""Import the city boundary and its districts from a GeoJSON FeatureCollection.

One feature is the city boundary, every other one a district. The city is, in
this order: the feature named by ``city_name`` (``--city-name``), else the one
feature with the property ``"kind": "city"``, else the one feature that
covers all the others. Districts have the properties ``name`` (required),
``slug`` (derived from the name when missing) and ``population`` (optional).

Everything is checked before anything is written (valid polygons in WGS84
longitude/latitude, no two districts overlapping and no district sticking out
of the city by more than the tolerance, unique slugs), then written in one
transaction: either the whole file is imported or nothing is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.conf import settings
from django.db import models, transaction
from django.utils.text import slugify
from shapely import STRtree
from shapely.geometry import mapping, shape
from shapely.prepared import prep
from shapely.validation import explain_validity

from wegov.core import registry
from wegov.core.audit import audit
from wegov.core.events import emit

from .models import Area
from .selectors import DistrictLocator

POLYGONS = {"Polygon", "MultiPolygon"}
WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "urn:ogc:def:crs:EPSG:6.6:4326",
    "EPSG:4326",
}
# Emitted after an import that changed something: created, updated, removed
# (lists of slugs) and reassigned (rows whose district changed).
AREAS_IMPORTED_EVENT = "places.areas_imported"


class PlacesImportError(ValueError):
    """The file cannot be imported; ``messages`` says every reason found."""

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class ParsedArea:
    index: int  # position in the file's "features", from 0
    kind: str
    name: str
    slug: str
    population: int | None
    geom: Any  # a shapely (Multi)Polygon
    # Where it comes from when not from the file (a district kept in the database).
    origin: str = ""

    @property
    def label(self) -> str:
        return self.origin or f"feature {self.index}"


@dataclass
class ImportResult:
    city: ParsedArea
    districts: list[ParsedArea]
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Districts in the database but not in the file, kept (no --prune).
    kept: list[str] = field(default_factory=list)
    # model label -> how many rows got another district.
    reassigned: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    tolerance: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or any(self.reassigned.values()))


# --- Reading ------------------------------------------------------------------------


def load_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlacesImportError(
            [f"Not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}."]
        ) from None
    except UnicodeDecodeError as exc:
        raise PlacesImportError([f"Not UTF-8 text: {exc.reason} at byte {exc.start}."]) from None


def _check_crs(data: dict) -> None:
    crs = data.get("crs")
    if crs is None:
        return
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if name not in WGS84_NAMES:
        raise PlacesImportError(
            [
                f"The file's coordinate system is {name or crs!r}: GeoJSON must be in WGS84 "
                "longitude/latitude (EPSG:4326). Reproject it first, e.g. "
                "ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson."
            ]
        )


def _in_wgs84(geom) -> bool:
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    return -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90


def _population(value, label: str, errors: list[str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.append(f"{label}: population must be a whole number, not {value!r}.")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.append(f"{label}: population must be a whole number, not {value!r}.")
        return None
    if number != value and str(number) != str(value).strip():
        errors.append(f"{label}: population must be a whole number, not {value!r}.")
        return None
    if number < 0:
        errors.append(f"{label}: population cannot be negative.")
        return None
    return number


def parse(data: Any) -> list[ParsedArea]:
    """The features of a FeatureCollection as areas (kind not decided yet:
    "city" when the feature says so, else ""). Raises with every problem."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise PlacesImportError([f"Expected a GeoJSON FeatureCollection, found {found!r}."])
    _check_crs(data)
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise PlacesImportError(["The FeatureCollection has no features."])
    errors: list[str] = []
    areas: list[ParsedArea] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(f"feature {index}: not a GeoJSON Feature.")
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            errors.append(f"feature {index}: properties must be an object.")
            continue
        name = str(props.get("name") or "").strip()
        label = f"feature {index} ({name!r})" if name else f"feature {index}"
        if not name:
            errors.append(f"{label}: has no name (the property 'name').")
        elif len(name) > 120:
            errors.append(f"{label}: the name is longer than 120 characters.")
        slug = str(props.get("slug") or "").strip() or slugify(name)
        if name and (slug != slugify(slug) or not slug or len(slug) > 80):
            errors.append(
                f"{label}: slug {slug!r} must be 1-80 lowercase letters, digits and hyphens."
            )
        kind = str(props.get("kind") or "").strip().lower()
        if kind not in {"", Area.Kind.CITY, Area.Kind.DISTRICT}:
            errors.append(f"{label}: kind must be 'city' or 'district', not {kind!r}.")
        population = _population(props.get("population"), label, errors)
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            errors.append(f"{label}: has no geometry.")
            continue
        geom_type = geometry.get("type")
        if geom_type not in POLYGONS:
            errors.append(f"{label}: geometry is a {geom_type}, not a Polygon or MultiPolygon.")
            continue
        try:
            geom = shape(geometry)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            errors.append(f"{label}: unreadable {geom_type} coordinates ({exc}).")
            continue
        if geom.is_empty:
            errors.append(f"{label}: the {geom_type} is empty.")
            continue
        if not geom.is_valid:
            errors.append(f"{label}: invalid {geom_type}: {explain_validity(geom)}.")
            continue
        if not _in_wgs84(geom):
            errors.append(
                f"{label}: coordinates are not WGS84 longitude/latitude "
                f"(bounds {tuple(round(b, 3) for b in geom.bounds)})."
            )
            continue
        areas.append(ParsedArea(index, kind, name, slug, population, geom))
    if errors:
        raise PlacesImportError(errors)
    return areas


def _pick_city(areas: list[ParsedArea], city_name: str | None, tolerance: float) -> ParsedArea:
    if city_name:
        named = [a for a in areas if a.name.casefold() == city_name.strip().casefold()]
        if len(named) != 1:
            raise PlacesImportError(
                [f"{len(named)} features are named {city_name!r}: the city must be exactly one."]
            )
        return named[0]
    marked = [a for a in areas if a.kind == Area.Kind.CITY]
    if len(marked) > 1:
        raise PlacesImportError(
            ["More than one feature has kind 'city': " + ", ".join(a.label for a in marked) + "."]
        )
    if marked:
        return marked[0]
    # The one that covers all the others (within the tolerance).
    covering = []
    for candidate in sorted(areas, key=lambda a: -a.geom.area):
        others = [a for a in areas if a is not candidate]
        if all(_outside_share(a.geom, candidate.geom) <= tolerance for a in others):
            covering.append(candidate)
            break
    if not covering or len(areas) < 2:
        raise PlacesImportError(
            [
                "Cannot tell which feature is the city boundary: give it the property "
                '"kind": "city", or name it with --city-name.'
            ]
        )
    return covering[0]


# --- Checking ---------------------------------------------------------------------------


def _metric(geom, origin: tuple[float, float]):
    """The geometry in metres, in one local equirectangular projection around
    ``origin`` (lon, lat) shared by every area of the file: good to a fraction
    of a percent over a city, enough for the messages."""
    lon0, lat0 = origin
    kx = 111_320 * math.cos(math.radians(lat0))
    ky = 110_574

    return shapely.transform(geom, lambda xy: (xy - (lon0, lat0)) * (kx, ky))


def _outside_share(inner, outer) -> float:
    if inner.area == 0:
        return 0.0
    return inner.difference(outer).area / inner.area


def _m2(value: float) -> str:
    if value >= 100_000:
        return f"{value / 1_000_000:.2f} km²"
    return f"{value:,.0f} m²"


def check(city: ParsedArea, districts: list[ParsedArea], tolerance: float) -> list[str]:
    """Every problem of the set: duplicate slugs, overlaps, districts outside."""
    errors = []
    seen: dict[str, ParsedArea] = {}
    for area in [city, *districts]:
        if area.slug in seen:
            errors.append(
                f"{area.label} and {seen[area.slug].label} have the same slug {area.slug!r}."
            )
        else:
            seen[area.slug] = area
    if not districts:
        errors.append("The file has a city boundary but no districts.")
    centre = city.geom.centroid
    metric = {a.index: _metric(a.geom, (centre.x, centre.y)) for a in [city, *districts]}
    city_m = metric[city.index]
    prepared_city = prep(city_m)
    for district in districts:
        geom = metric[district.index]
        if prepared_city.contains(geom):
            continue
        outside = geom.difference(city_m).area
        share = outside / geom.area if geom.area else 0.0
        if share > tolerance:
            errors.append(
                f"District {district.name!r} ({district.label}) sticks out of the city by "
                f"{_m2(outside)} ({share:.2%} of the district)."
            )
    geoms = [metric[d.index] for d in districts]
    tree = STRtree(geoms)
    for i, district in enumerate(districts):
        for j in tree.query(geoms[i]):
            j = int(j)
            if j <= i:
                continue
            overlap = geoms[i].intersection(geoms[j]).area
            if overlap == 0:
                continue
            smaller = min(geoms[i].area, geoms[j].area)
            share = overlap / smaller if smaller else 0.0
            if share > tolerance:
                other = districts[j]
                errors.append(
                    f"Districts {district.name!r} ({district.label}) and {other.name!r} "
                    f"({other.label}) overlap by {_m2(overlap)} ({share:.2%} of the smaller)."
                )
    return errors


def read(
    data: Any, *, city_name: str | None = None, tolerance: float | None = None
) -> tuple[ParsedArea, list[ParsedArea]]:
    """Parse and check a FeatureCollection: (city, districts), or raise."""
    if tolerance is None:
        tolerance = settings.WEGOV_PLACES_OVERLAP_TOLERANCE
    areas = parse(data)
    city = _pick_city(areas, city_name, tolerance)
    districts = [a for a in areas if a is not city]
    city.kind = Area.Kind.CITY
    for district in districts:
        if district.kind == Area.Kind.CITY:
            raise PlacesImportError(
                [f"{district.label} has kind 'city' but {city.label} was chosen as the city."]
            )
        district.kind = Area.Kind.DISTRICT
    errors = check(city, districts, tolerance)
    if errors:
        raise PlacesImportError(errors)
    return city, districts


# --- Writing ------------------------------------------------------------------------------


def _values(area: ParsedArea) -> dict:
    min_lon, min_lat, max_lon, max_lat = area.geom.bounds
    return {
        "kind": area.kind,
        "name": area.name,
        "geometry": mapping(area.geom),
        "min_lat": min_lat,
        "min_lon": min_lon,
        "max_lat": max_lat,
        "max_lon": max_lon,
        "population": area.population,
    }


def _same(row: Area, values: dict) -> bool:
    for key, value in values.items():
        current = getattr(row, key)
        if key == "geometry":
            # Compare through JSON: tuples (shapely) versus lists (the database).
            if json.loads(json.dumps(current)) != json.loads(json.dumps(value)):
                return False
        elif current != value:
            return False
    return True


def _references() -> list:
    """Foreign keys to areas from other models, hidden ones (related_name="+")
    included; not the many-to-many tables (areas of interest)."""
    return [
        f
        for f in Area._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one)
        and not f.related_model._meta.auto_created
    ]


def _blocking_references(areas: list[Area]) -> list[str]:
    """What still points at areas that would be removed, where removing them
    would delete other rows or is forbidden (PROTECT/CASCADE foreign keys).
    SET_NULL references (reports, proposals...) are fine: --reassign gives
    them a district again from their point."""
    problems = []
    ids = [a.pk for a in areas]
    names = {a.pk: a.name for a in areas}
    for relation in _references():
        if relation.on_delete in (models.SET_NULL, models.DO_NOTHING, models.SET_DEFAULT):
            continue
        model = relation.related_model
        column = relation.field.name
        rows = (
            model._default_manager.filter(**{f"{column}__in": ids})
            .values_list(column)
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        for area_id, count in rows:
            problems.append(
                f"{names[area_id]!r} is used by {count} "
                f"{model._meta.verbose_name_plural}: change those first, or keep it "
                "(import without --prune)."
            )
    return problems


def geolocated_models() -> list[tuple[type[models.Model], str]]:
    """Contribution models (core.registry) with a point (lat, lon) and a
    district foreign key to places: (model, district field name). Found by
    introspection, so that places does not import the apps above it; indexes
    derived from them (the map's) follow their own contributions."""
    contributions = {kind.model for kind in registry.kinds()}
    found = []
    for relation in _references():
        model = relation.related_model
        names = {f.name for f in model._meta.concrete_fields}
        if model in contributions and {"lat", "lon"} <= names:
            found.append((model, relation.field.name))
    return found


def reassign_districts(batch_size: int = 2000) -> dict[str, int]:
    """Give every geolocated contribution the district its point lies in now.

    Rows of a participatory process about one district keep that district (it
    is the process's, not the point's)."""
    locator = DistrictLocator(Area.objects.filter(kind=Area.Kind.DISTRICT))
    counts: dict[str, int] = {}
    for model, field_name in geolocated_models():
        column = f"{field_name}_id"
        rows = model._default_manager.filter(lat__isnull=False, lon__isnull=False)
        names = {f.name for f in model._meta.concrete_fields}
        if "process" in names:
            rows = rows.exclude(process__district__isnull=False)
        moves: dict[int | None, list[int]] = {}
        for pk, lat, lon, current in rows.values_list("pk", "lat", "lon", column).iterator(
            chunk_size=batch_size
        ):
            new = locator.district_id(lat, lon)
            if new != current:
                moves.setdefault(new, []).append(pk)
        changed = 0
        for district_id, pks in moves.items():
            for start in range(0, len(pks), batch_size):
                chunk = pks[start : start + batch_size]
                changed += model._default_manager.filter(pk__in=chunk).update(
                    **{column: district_id}
                )
        counts[model._meta.label] = changed
    return counts


def import_places(
    data: Any,
    *,
    city_name: str | None = None,
    prune: bool = False,
    reassign: bool = False,
    dry_run: bool = False,
    tolerance: float | None = None,
    announce: bool = True,
) -> ImportResult:
    """Check and import a FeatureCollection (parsed JSON); see the module doc.

    Areas are matched by slug: new ones are created, changed ones updated.
    Districts in the database but not in the file are removed only with
    ``prune`` (refused while something depends on them); ``reassign`` gives
    every geolocated contribution the district of its point afterwards.
    ``dry_run`` does all of it and rolls back, reporting what would change.
    ``announce=False`` (the demo) writes no audit entry and emits no event.
    """
    if tolerance is None:
        tolerance = settings.WEGOV_PLACES_OVERLAP_TOLERANCE
    city, districts = read(data, city_name=city_name, tolerance=tolerance)
    result = ImportResult(city=city, districts=districts, dry_run=dry_run, tolerance=tolerance)
    try:
        with transaction.atomic():
            _write(result, prune=prune, reassign=reassign, announce=announce)
            if dry_run:
                raise _DryRun
            if result.changed and announce:
                emit(
                    AREAS_IMPORTED_EVENT,
                    created=list(result.created),
                    updated=list(result.updated),
                    removed=list(result.removed),
                    reassigned=dict(result.reassigned),
                )
    except _DryRun:
        pass
    return result


class _DryRun(Exception):
    pass


def _check_kept(result: ImportResult, kept: list[Area]) -> None:
    """Districts kept from before must not overlap the file's (a renamed slug
    would leave the old district on top of the new one)."""
    if not kept:
        return
    extra = [
        ParsedArea(
            index=-1 - i,
            kind=Area.Kind.DISTRICT,
            name=a.name,
            slug=a.slug,
            population=a.population,
            geom=shape(a.geometry),
            origin="in the database, not in the file",
        )
        for i, a in enumerate(kept)
    ]
    tolerance = result.tolerance
    errors = [
        e for e in check(result.city, [*result.districts, *extra], tolerance) if "database" in e
    ]
    if errors:
        raise PlacesImportError(
            [*errors, "Remove the old districts with --prune, or keep them in the file."]
        )


def _write(result: ImportResult, *, prune: bool, reassign: bool, announce: bool) -> None:
    city, districts = result.city, result.districts
    wanted = [city, *districts]
    existing = {a.slug: a for a in Area.objects.select_for_update().all()}
    # Another boundary than the file's city: it gives way (one city only).
    old_city = next(
        (a for a in existing.values() if a.kind == Area.Kind.CITY and a.slug != city.slug), None
    )
    in_file = {a.slug for a in wanted}
    if old_city is not None:
        if old_city.slug in in_file:
            # It is a district now: make room for the new city (rewritten below).
            Area.objects.filter(pk=old_city.pk).update(kind=Area.Kind.DISTRICT)
        else:
            problems = _blocking_references([old_city])
            if problems:
                raise PlacesImportError(problems)
            old_city.delete()
            result.removed.append(old_city.slug)
            del existing[old_city.slug]
    gone = [a for slug, a in existing.items() if slug not in in_file]
    if gone and prune:
        problems = _blocking_references(gone)
        if problems:
            raise PlacesImportError(problems)
        Area.objects.filter(pk__in=[a.pk for a in gone]).delete()
        result.removed.extend(sorted(a.slug for a in gone))
    elif gone:
        result.kept.extend(sorted(a.slug for a in gone))
        _check_kept(result, [a for a in gone if a.kind == Area.Kind.DISTRICT])
    for area in wanted:
        values = _values(area)
        row = existing.get(area.slug)
        if row is None:
            Area.objects.create(slug=area.slug, **values)
            result.created.append(area.slug)
        elif _same(row, values):
            result.unchanged.append(area.slug)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
            result.updated.append(area.slug)
    if reassign:
        result.reassigned = reassign_districts()
    if result.changed and announce:
        audit(
            actor=None,
            action="places.imported",
            after={
                "city": city.slug,
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
                "reassigned": result.reassigned,
            },
            label=city.name,
        )
