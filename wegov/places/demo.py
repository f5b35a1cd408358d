"""Lindenbrug's boundary and districts: a centre ring and seven outer districts."""

import math

from . import services
from .models import Area

CENTRE = (52.1561, 5.3878)  # lat, lon
INNER_KM = 1.1
OUTER_KM = 3.6
DISTRICTS = [
    ("Noorderhaven", 23500),
    ("Oosterpark", 19800),
    ("Molenkwartier", 17200),
    ("Zuidveld", 26100),
    ("Rivierzijde", 14900),
    ("Westwijk", 21300),
    ("Lindenhof", 18400),
]


def _point(bearing_deg: float, km: float) -> list[float]:
    lat0, lon0 = CENTRE
    dlat = km / 111.32 * math.cos(math.radians(bearing_deg))
    dlon = km / (111.32 * math.cos(math.radians(lat0))) * math.sin(math.radians(bearing_deg))
    return [round(lon0 + dlon, 6), round(lat0 + dlat, 6)]


def _ring(radius_km: float, start: float, end: float, steps: int) -> list[list[float]]:
    return [_point(start + (end - start) * i / steps, radius_km) for i in range(steps + 1)]


def load(demo) -> None:
    full = _ring(OUTER_KM, 0, 360, 72)
    services.area_save(
        kind=Area.Kind.CITY,
        name="Lindenbrug",
        slug="lindenbrug",
        geometry={"type": "Polygon", "coordinates": [full]},
        population=162000,
    )
    centre = _ring(INNER_KM, 0, 360, 36)
    districts = [
        services.area_save(
            kind=Area.Kind.DISTRICT,
            name="Binnenstad",
            slug="binnenstad",
            geometry={"type": "Polygon", "coordinates": [centre]},
            population=20800,
        )
    ]
    step = 360 / len(DISTRICTS)
    for index, (name, population) in enumerate(DISTRICTS):
        start, end = index * step, (index + 1) * step
        outer = _ring(OUTER_KM, start, end, 10)
        inner = list(reversed(_ring(INNER_KM, start, end, 5)))
        ring = outer + inner + [outer[0]]
        districts.append(
            services.area_save(
                kind=Area.Kind.DISTRICT,
                name=name,
                slug=name.lower(),
                geometry={"type": "Polygon", "coordinates": [ring]},
                population=population,
            )
        )
    demo.shared["districts"] = districts
    demo.say(f"  {len(districts)} districts of Lindenbrug")
