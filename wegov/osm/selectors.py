"""Reads of the OSM index: the offline geocoder and reverse geocoder, location
warnings (water, buildings) and the features a category needs nearby.

Every query narrows candidates with the indexed float columns (a bounding box
around the point, or an exact normalised name), then measures exactly in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from wegov.core.numbers import object_id
from wegov.places.geocoding import GeocodeResult

from .features import feature_label
from .geo import bbox_around, distance_m, distance_to_polyline, normalise, normalise_housenumber
from .models import Address, CategoryFeatureRule, Feature, NoPlaceArea, OsmImport, Street

ADDRESS_RADIUS_M = 75
STREET_RADIUS_M = 150
MAX_CANDIDATES = 10

_NUMBER_LAST = re.compile(
    r"^(?P<street>.*?[a-z].*?)\s+(?P<number>\d+(?:\s?[a-z]{1,2})?(?:\s\d+)?)$"
)
_NUMBER_FIRST = re.compile(r"^(?P<number>\d+[a-z]?)\s+(?P<street>.*[a-z].*)$")
_POSTCODE = re.compile(r"^(\d{4}\s?[a-z]{2}|\d{4,5})$")


def is_imported() -> bool:
    return OsmImport.objects.exists()


def latest_import() -> OsmImport | None:
    return OsmImport.objects.first()


# --- Reverse geocoding --------------------------------------------------------------


def _in_box(queryset, lat: float, lon: float, metres: float):
    min_lat, min_lon, max_lat, max_lon = bbox_around(lat, lon, metres)
    return queryset.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)


def _overlapping(queryset, lat: float, lon: float, metres: float):
    min_lat, min_lon, max_lat, max_lon = bbox_around(lat, lon, metres)
    return queryset.filter(
        min_lat__lte=max_lat, max_lat__gte=min_lat, min_lon__lte=max_lon, max_lon__gte=min_lon
    )


def nearest_address(lat: float, lon: float, radius_m: float = ADDRESS_RADIUS_M):
    """(address, metres) of the nearest address within the radius, or None."""
    best = None
    for address in _in_box(Address.objects.all(), lat, lon, radius_m):
        d = distance_m(lat, lon, address.lat, address.lon)
        if d <= radius_m and (best is None or d < best[1]):
            best = (address, d)
    return best


def nearest_street(lat: float, lon: float, radius_m: float = STREET_RADIUS_M):
    """(street, metres, nearest point) of the nearest street within the radius, or None."""
    best = None
    for street in _overlapping(Street.objects.all(), lat, lon, radius_m):
        d, point = distance_to_polyline(lat, lon, street.points())
        if d <= radius_m and (best is None or d < best[1]):
            best = (street, d, point)
    return best


def _address_result(address: Address, distance: float | None = None) -> GeocodeResult:
    context = " ".join(part for part in (address.postcode, address.city) if part)
    return GeocodeResult(
        lat=address.lat,
        lon=address.lon,
        label=f"{address.street} {address.housenumber}",
        kind="address",
        context=context,
        distance_m=distance,
        source="osm",
    )


def reverse(lat: float, lon: float) -> GeocodeResult | None:
    """The nearest address (within 75 m), else the nearest street (within 150 m)."""
    found = nearest_address(lat, lon)
    if found:
        return _address_result(*found)
    street = nearest_street(lat, lon)
    if street:
        street, d, (slat, slon) = street
        return GeocodeResult(
            lat=slat,
            lon=slon,
            label=_("near %(street)s") % {"street": street.name},
            kind="street",
            context="",
            distance_m=d,
            source="osm",
        )
    return None


# --- Geocoding ----------------------------------------------------------------------


def _city_names() -> set[str]:
    """The city's name and the extract's addr:city values (cached per import)."""
    latest = OsmImport.objects.values_list("pk", flat=True).first()

    def load():
        cities = Address.objects.exclude(city="").values_list("city", flat=True).distinct()
        return sorted(set(cities[:50]))

    names = set(cache.get_or_set(f"osm:cities:{latest}", load, 3600)) if latest else set()
    names.add(settings.WEGOV_CITY_NAME)
    return {normalise(n) for n in names if normalise(n)}


def parse_query(text: str) -> tuple[str, str]:
    """(normalised street, normalised house number or "") of "Kerkstraat 12, Lindenbrug"."""
    cities = _city_names()
    parts = []
    for raw in text.split(","):
        part = normalise(raw)
        for city in cities:
            if part == city:
                part = ""
            elif part.endswith(" " + city):
                part = part[: -len(city) - 1].strip()
        if part and not _POSTCODE.match(part):
            parts.append(part)
    if not parts:
        return "", ""
    main = parts[0]
    match = _NUMBER_LAST.match(main) or _NUMBER_FIRST.match(main)
    if match:
        return match["street"].strip(), normalise_housenumber(match["number"])
    return main, ""


def _street_results(norm: str, limit: int) -> list[GeocodeResult]:
    rows = []
    for lookup in ("norm_name", "norm_name__startswith", "norm_name__contains"):
        rows = list(
            Street.objects.filter(**{lookup: norm})
            .only("name", "coords")
            .order_by("name", "id")[:200]
        )
        if rows:
            break
    longest: dict[str, Street] = {}
    for street in rows:
        known = longest.get(street.name)
        if known is None or len(street.coords) > len(known.coords):
            longest[street.name] = street
    results = []
    for street in list(longest.values())[:limit]:
        points = street.points()
        lat, lon = points[len(points) // 2]
        results.append(
            GeocodeResult(lat=lat, lon=lon, label=street.name, kind="street", source="osm")
        )
    return results


def geocode(text: str, limit: int = 5) -> list[GeocodeResult]:
    """Addresses and streets matching "street number" or "street" (accents, case and
    punctuation ignored; the city's name and a postcode may be added)."""
    street, number = parse_query(text or "")
    if len(street) < 2:
        return []
    limit = max(1, min(limit, MAX_CANDIDATES))
    results: list[GeocodeResult] = []
    if number:
        for lookup in ("norm_street", "norm_street__startswith"):
            addresses = Address.objects.filter(
                **{lookup: street}, norm_housenumber=number
            ).order_by("street", "id")[:limit]
            results = [_address_result(a) for a in addresses]
            if results:
                break
    if len(results) < limit:
        results += _street_results(street, limit - len(results))
    return results


# --- Warnings and required features -------------------------------------------------


def _areas_at(lat: float, lon: float):
    point = Point(lon, lat)
    candidates = NoPlaceArea.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    ).order_by("kind", "id")
    return [area for area in candidates if shape(area.geometry).covers(point)]


def location_warnings(lat: float, lon: float) -> list[str]:
    """What is odd about reporting a problem at this point: on water, inside a building."""
    warnings = []
    areas = _areas_at(lat, lon)
    water = [a for a in areas if a.kind == NoPlaceArea.Kind.WATER]
    if water:
        name = next((a.name for a in water if a.name), "")
        if name:
            warnings.append(_("This point is on water (%(name)s).") % {"name": name})
        else:
            warnings.append(_("This point is on water."))
    if any(a.kind == NoPlaceArea.Kind.BUILDING for a in areas):
        warnings.append(_("This point is inside a building; is the problem on the street?"))
    return warnings


@dataclass
class FeatureCheck:
    """The answer of nearest_required_feature: the nearest feature the category needs
    (None when none is within the radius) and a message for the citizen."""

    kind: str
    label: str
    radius_m: int
    feature: Feature | None
    distance_m: float | None
    message: str
    place: str = ""  # where the feature is, in words

    @property
    def is_near(self) -> bool:
        return self.feature is not None


def describe_feature(feature: Feature) -> str:
    """Where a feature is, in words: "LB-00042, Kerkstraat 12", "near Kerkstraat"..."""
    found = reverse(feature.lat, feature.lon)
    parts = [feature.name or feature.ref, found.label if found else ""]
    return ", ".join(p for p in parts if p) or f"{feature.lat:.5f}, {feature.lon:.5f}"


def nearest_required_feature(category, lat: float, lon: float) -> FeatureCheck | None:
    """For a category with feature rules: the nearest required feature within its
    radius, or a check whose message says none is near. None when the category has
    no rule, or the index holds no feature of the kinds it needs."""
    rules = list(CategoryFeatureRule.objects.filter(category=category).order_by("feature_kind"))
    if not rules:
        return None
    known = set(
        Feature.objects.filter(kind__in=[r.feature_kind for r in rules])
        .values_list("kind", flat=True)
        .distinct()
    )
    rules = [r for r in rules if r.feature_kind in known]
    if not rules:
        return None
    best: tuple[CategoryFeatureRule, Feature, float] | None = None
    for rule in rules:
        for feature in _in_box(
            Feature.objects.filter(kind=rule.feature_kind), lat, lon, rule.radius_m
        ):
            d = distance_m(lat, lon, feature.lat, feature.lon)
            if d <= rule.radius_m and (best is None or d < best[2]):
                best = (rule, feature, d)
    if best is None:
        rule = rules[0]
        label = feature_label(rule.feature_kind)
        return FeatureCheck(
            kind=rule.feature_kind,
            label=label,
            radius_m=rule.radius_m,
            feature=None,
            distance_m=None,
            message=_(
                "There is no %(feature)s on the map within %(radius)d m of this point. "
                "Is this the right place?"
            )
            % {"feature": label, "radius": rule.radius_m},
        )
    rule, feature, d = best
    label = feature_label(rule.feature_kind)
    place = describe_feature(feature)
    return FeatureCheck(
        kind=rule.feature_kind,
        label=label,
        radius_m=rule.radius_m,
        feature=feature,
        distance_m=d,
        message=_("The nearest %(feature)s (%(place)s) is %(distance)d m from this point.")
        % {"feature": label, "place": place, "distance": round(d)},
        place=place,
    )


def feature_point(feature_id: str) -> tuple[float, float] | None:
    """(lat, lon) of an indexed feature by its id (the form's "snap to it"), or None."""
    pk = object_id(feature_id)
    if pk is None:
        return None
    return Feature.objects.filter(pk=pk).values_list("lat", "lon").first()
