"""Lindenbrug's boundary and districts: a centre ring and seven outer districts.

The geometry is a GeoJSON FeatureCollection (``feature_collection()``, also
shipped as docs/examples/lindenbrug-places.geojson) loaded through the same
import as ``manage.py import_places``. Neighbouring districts share their
vertices, so nothing overlaps and nothing sticks out of the city.
"""

import math

from . import importing
from .models import District

CENTRE = (52.1561, 5.3878)  # lat, lon
INNER_KM = 1.1
OUTER_KM = 3.6
CITY = ("Lindenbrug", "lindenbrug", 162000)
CENTRE_DISTRICT = ("Binnenstad", 20800)
DISTRICTS = [
    ("Noorderhaven", 23500),
    ("Oosterpark", 19800),
    ("Molenkwartier", 17200),
    ("Zuidveld", 26100),
    ("Rivierzijde", 14900),
    ("Westwijk", 21300),
    ("Lindenhof", 18400),
]
OUTER_STEPS = 10  # vertices per district on the city boundary
INNER_STEPS = 5  # ... and on the centre's edge


def _point(bearing_deg: float, km: float) -> list[float]:
    lat0, lon0 = CENTRE
    dlat = km / 111.32 * math.cos(math.radians(bearing_deg))
    dlon = km / (111.32 * math.cos(math.radians(lat0))) * math.sin(math.radians(bearing_deg))
    return [round(lon0 + dlon, 6), round(lat0 + dlat, 6)]


def _circle(radius_km: float, steps: int) -> list[list[float]]:
    """A closed ring going clockwise from north (the last point is the first)."""
    ring = [_point(360 * i / steps, radius_km) for i in range(steps)]
    return [*ring, ring[0]]


def _feature(name: str, slug: str, kind: str, population: int, ring: list) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, "slug": slug, "kind": kind, "population": population},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def feature_collection() -> dict:
    """The demo city as GeoJSON (counter-clockwise outer rings, RFC 7946)."""
    count = len(DISTRICTS)
    outer = _circle(OUTER_KM, count * OUTER_STEPS)
    inner = _circle(INNER_KM, count * INNER_STEPS)
    name, slug, population = CITY
    features = [_feature(name, slug, "city", population, list(reversed(outer)))]
    centre_name, centre_population = CENTRE_DISTRICT
    features.append(
        _feature(
            centre_name, centre_name.lower(), "district", centre_population, list(reversed(inner))
        )
    )
    for index, (district, district_population) in enumerate(DISTRICTS):
        edge_out = outer[index * OUTER_STEPS : (index + 1) * OUTER_STEPS + 1]
        edge_in = inner[index * INNER_STEPS : (index + 1) * INNER_STEPS + 1]
        # Clockwise along the city edge, back counter-clockwise along the centre:
        # reversed, that is counter-clockwise.
        ring = edge_out + list(reversed(edge_in)) + [edge_out[0]]
        features.append(
            _feature(
                district, district.lower(), "district", district_population, list(reversed(ring))
            )
        )
    return {
        "type": "FeatureCollection",
        "name": "Lindenbrug (WeGov demo city)",
        "features": features,
    }


def load(demo) -> None:
    result = importing.import_places(feature_collection(), announce=False)
    order = [d.slug for d in result.districts]
    found = {d.slug: d for d in District.objects.filter(slug__in=order)}
    districts = [found[slug] for slug in order]
    demo.shared["districts"] = districts
    demo.say(f"  {len(districts)} districts of Lindenbrug")


def geojson_text() -> str:
    """``feature_collection()`` as the text of docs/examples/lindenbrug-places.geojson:
    one feature per line."""
    import json

    data = feature_collection()
    features = ",\n".join(json.dumps(f, ensure_ascii=False) for f in data["features"])
    return (
        f'{{"type": "FeatureCollection", "name": {json.dumps(data["name"])}, "features": [\n'
        f"{features}\n]}}\n"
    )


def load_areas_of_interest(demo) -> int:
    """A few demo residents' areas of interest: circles around a spot and
    picks of districts. Called by social's demo (which runs after accounts,
    when the residents exist; places itself runs before them)."""
    from .models import AreaOfInterest

    citizens = list(demo.shared.get("citizens") or [])
    districts = {d.slug: d for d in demo.shared.get("districts") or []}
    if not citizens or not districts:
        return 0
    lat0, lon0 = CENTRE
    wishes = [
        # (citizen index, name, circle (lat, lon, metres) or district slugs)
        (0, "Around the market square", (lat0, lon0, 400)),
        (0, "Where my parents live", ["noorderhaven", "oosterpark"]),
        (1, "My street", (lat0 + 0.012, lon0 - 0.015, 300)),
        (2, "Westwijk and Lindenhof", ["westwijk", "lindenhof"]),
        (3, "Near the school", (lat0 - 0.01, lon0 + 0.008, 750)),
        (4, "Zuidveld", ["zuidveld"]),
    ]
    from .services import circle_bbox

    # Written directly: the demo publishes no events (the service would).
    city = importing.Area.objects.filter(kind=importing.Area.Kind.CITY).first()
    made = 0
    for index, name, where in wishes:
        if index >= len(citizens):
            continue
        user = citizens[index]
        if isinstance(where, tuple):
            lat, lon, radius = where
            if city is None or city.slug != CITY[1]:
                continue  # another city than Lindenbrug's
            min_lat, min_lon, max_lat, max_lon = circle_bbox(lat, lon, radius)
            AreaOfInterest.objects.create(
                user=user,
                name=name,
                kind=AreaOfInterest.Kind.CIRCLE,
                center_lat=round(lat, 6),
                center_lon=round(lon, 6),
                radius_m=radius,
                min_lat=min_lat,
                min_lon=min_lon,
                max_lat=max_lat,
                max_lon=max_lon,
            )
        else:
            picked = [districts[slug] for slug in where if slug in districts]
            if not picked:
                continue  # another city than Lindenbrug's
            area = AreaOfInterest.objects.create(
                user=user, name=name, kind=AreaOfInterest.Kind.DISTRICTS
            )
            area.districts.set(picked)
        made += 1
    demo.say(f"  {made} areas of interest")
    return made
