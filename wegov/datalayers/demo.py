"""Two open-data layers for Lindenbrug, written as real files and imported
through the same service an administrator uses (so the demo exercises the
parser): "Playgrounds" (about 40 points inside the districts, GeoJSON) and
"Bus stops" (about 120 stops along four bus lines, CSV).

Needs ``demo.shared["districts"]`` (places/demo.py) and an administrator
(accounts/demo.py).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from django.conf import settings
from django.core.files import File
from shapely.geometry import Point, shape

from wegov.accounts.models import User

from . import services

CENTRE = (52.1561, 5.3878)  # lat, lon
ATTRIBUTION = "Gemeente Lindenbrug, CC BY 4.0"
STOP_SPACING_KM = 0.3
PLAYGROUNDS_PER_DISTRICT = 5
STREETS = [
    "Kerkstraat",
    "Molenweg",
    "Lindelaan",
    "Beukenhof",
    "Schoolstraat",
    "Dorpsweg",
    "Havenkade",
    "Parkweg",
    "Esdoornlaan",
    "Tuinstraat",
    "Vlinderhof",
    "Weverstraat",
    "Bloemenbuurt",
    "Rozengaarde",
    "Zandpad",
    "Sluisweg",
    "Kastanjeplein",
    "Zonnewijzer",
    "Wilgenhoek",
    "Populierenlaan",
]


def _offset(bearing_deg: float, km: float) -> tuple[float, float]:
    lat0, lon0 = CENTRE
    dlat = km / 111.32 * math.cos(math.radians(bearing_deg))
    dlon = km / (111.32 * math.cos(math.radians(lat0))) * math.sin(math.radians(bearing_deg))
    return round(lat0 + dlat, 6), round(lon0 + dlon, 6)


def _jitter(rng, lat: float, lon: float, metres: float = 20) -> tuple[float, float]:
    return (
        round(lat + rng.uniform(-metres, metres) / 111_320, 6),
        round(lon + rng.uniform(-metres, metres) / 68_400, 6),
    )


def playgrounds_geojson(rng, districts) -> dict:
    features = []
    number = 0
    for district in districts:
        polygon = shape(district.geometry)
        placed = 0
        while placed < PLAYGROUNDS_PER_DISTRICT:
            lon = rng.uniform(district.min_lon, district.max_lon)
            lat = rng.uniform(district.min_lat, district.max_lat)
            if not polygon.contains(Point(lon, lat)):
                continue
            placed += 1
            number += 1
            street = rng.choice(STREETS)
            features.append(
                {
                    "type": "Feature",
                    "id": f"SPT-{number:03d}",
                    "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                    "properties": {
                        "name": f"Speeltuin {street}",
                        "district": district.name,
                        "ages": rng.choice(["0-6", "4-12", "0-12", "6-14"]),
                        "fenced": rng.random() < 0.6,
                        "equipment": rng.randint(3, 12),
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def bus_stops_csv(rng) -> str:
    """Three lines through the centre (north-south, east-west, north-east to
    south-west) and a ring line, a stop every 300 m."""
    stops: dict[str, dict] = {}
    centre_id = "HLT-CENTRAAL"
    stops[centre_id] = {"lat": CENTRE[0], "lon": CENTRE[1], "name": "Centraal", "lines": []}
    reach = int(3.3 / STOP_SPACING_KM)
    for line, bearing in (("1", 0), ("2", 90), ("3", 45)):
        stops[centre_id]["lines"].append(line)
        for side in (bearing, bearing + 180):
            for step in range(1, reach + 1):
                lat, lon = _jitter(rng, *_offset(side, step * STOP_SPACING_KM))
                stop_id = f"HLT-{line}-{side:03d}-{step:02d}"
                name = f"{rng.choice(STREETS)} ({step})"
                stops[stop_id] = {"lat": lat, "lon": lon, "name": name, "lines": [line]}
    radius = 2.4
    count = int(2 * math.pi * radius / STOP_SPACING_KM)
    for step in range(count):
        lat, lon = _jitter(rng, *_offset(360 * step / count, radius))
        stops[f"HLT-R-{step:02d}"] = {
            "lat": lat,
            "lon": lon,
            "name": f"Ring, {rng.choice(STREETS)}",
            "lines": ["R"],
        }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["stop_id", "stop_name", "stop_lat", "stop_lon", "lines", "shelter"])
    for stop_id, stop in stops.items():
        writer.writerow(
            [
                stop_id,
                stop["name"],
                f"{stop['lat']:.6f}",
                f"{stop['lon']:.6f}",
                " ".join(stop["lines"]),
                "yes" if rng.random() < 0.5 else "no",
            ]
        )
    return out.getvalue()


def _import(admin, path: Path, **fields):
    with path.open("rb") as handle:
        return services.layer_create(actor=admin, upload=File(handle, name=path.name), **fields)


def load(demo) -> None:
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    districts = demo.shared.get("districts") or []
    if admin is None or not districts:
        demo.say("  no open-data layers (needs the districts and an administrator)")
        return
    folder = Path(settings.MEDIA_ROOT) / "datalayers" / "demo"
    folder.mkdir(parents=True, exist_ok=True)

    playgrounds = folder / "playgrounds.geojson"
    playgrounds.write_text(json.dumps(playgrounds_geojson(demo.rng, districts), indent=1))
    first = _import(
        admin,
        playgrounds,
        name="Playgrounds",
        slug="playgrounds",
        description="Public playgrounds maintained by the city's parks department.",
        licence="CC BY 4.0",
        attribution=ATTRIBUTION,
        source_url="https://data.lindenbrug.example/datasets/speeltuinen",
    )

    stops = folder / "bus-stops.csv"
    stops.write_text(bus_stops_csv(demo.rng))
    second = _import(
        admin,
        stops,
        name="Bus stops",
        slug="bus-stops",
        description="Stops of the four town bus lines (1, 2, 3 and the ring line R).",
        licence="CC BY 4.0",
        attribution=ATTRIBUTION,
        source_url="https://data.lindenbrug.example/datasets/bushaltes",
        lat_column="stop_lat",
        lon_column="stop_lon",
        name_column="stop_name",
        key_column="stop_id",
    )
    demo.say(
        f"  open-data layers: {first.feature_count} playgrounds, {second.feature_count} bus stops"
    )
