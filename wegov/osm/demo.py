"""Lindenbrug's OpenStreetMap extract, generated, then imported like a real one.

A street grid inside the city boundary with Dutch street names (the names the
demo reports mention first), house numbers (some on building outlines, most on
address nodes), the river De Linde winding through Rivierzijde, a pond in
Oosterpark, street lamps along the streets, benches, bins, bus stops on the main
roads and playgrounds in every district. Written as .osm XML under
VAR_DIR/demo/ and imported through the same service as ``manage.py import_osm``.
"""

from __future__ import annotations

import math
from pathlib import Path
from xml.sax.saxutils import quoteattr

from django.conf import settings
from shapely.geometry import Point, Polygon, shape
from shapely.prepared import prep

from wegov.reports.models import Category

from . import services
from .geo import METRES_PER_DEGREE
from .models import CategoryFeatureRule

CENTRE = (52.1561, 5.3878)
RADIUS_M = 3450  # streets stay inside the 3.6 km boundary
BLOCK_M = 300  # grid spacing
PIECE_BLOCKS = 4  # a street is this many blocks long, then the name changes
STREET_NODE_M = 75
HOUSE_SPACING_M = 90
HOUSE_OFFSET_M = 18  # from the street's centre line
BUILDING_SHARE = 0.25  # the rest of the addresses are nodes
LAMP_SPACING_M = 80
MAIN_ROAD_EVERY = 4  # every 4th grid line is a main road with bus stops
BUS_STOP_SPACING_M = 450

# The names demo reports use come first, so "Street light out on Kerkstraat" is on the map.
FIRST_NAMES = [
    "Kerkstraat", "Molenweg", "Lindelaan", "Havenkade", "Oude Gracht", "Beukenlaan",
    "Julianastraat", "Dorpsstraat", "Schoolstraat", "Eikenlaan", "Vondelstraat",
    "Rembrandtlaan", "Zuiderweg", "Noorderkade", "Tulpstraat", "Kastanjelaan", "Spoorstraat",
    "Brugstraat", "Populierenweg", "Rivierdijk", "Westersingel", "Oosterparklaan",
    "Nieuwe Haven", "Boterstraat", "Van Goghlaan", "Prins Bernhardweg", "Esdoornstraat",
    "Kanaalweg",
]  # fmt: skip
STEMS = [
    "Akker", "Berken", "Bloemen", "Dahlia", "Distel", "Eekhoorn", "Elzen", "Essen", "Fazanten",
    "Goudsbloem", "Haver", "Hazelaar", "Heide", "Hooiberg", "Iepen", "Jasmijn", "Kievit",
    "Klaver", "Koren", "Krokus", "Lavendel", "Lelie", "Margriet", "Meidoorn", "Merel", "Mussen",
    "Narcissen", "Olmen", "Papaver", "Pauwen", "Pinksterbloem", "Reiger", "Rozen", "Seringen",
    "Sparren", "Spechten", "Vlier", "Vlinder", "Wilgen", "Zonnebloem", "Zwanen", "Appel",
    "Peren", "Kersen", "Pruimen", "Hulst", "Taxus", "Brem", "Gerst", "Tarwe",
]  # fmt: skip
SUFFIXES = ["straat", "laan", "weg", "hof", "kade", "singel", "dreef", "pad"]
POSTCODES = {  # district slug -> first four digits
    "binnenstad": "3811",
    "noorderhaven": "3812",
    "oosterpark": "3813",
    "molenkwartier": "3814",
    "zuidveld": "3815",
    "rivierzijde": "3816",
    "westwijk": "3817",
    "lindenhof": "3818",
}
RIVER = [(208, 4.05), (216, 2.9), (224, 2.2), (234, 1.85), (244, 2.3), (250, 3.0), (256, 4.05)]
POND = (75, 2.2)  # bearing, km: in Oosterpark


def _to_latlon(x: float, y: float) -> tuple[float, float]:
    lat0, lon0 = CENTRE
    lat = lat0 + y / METRES_PER_DEGREE
    lon = lon0 + x / (METRES_PER_DEGREE * math.cos(math.radians(lat0)))
    return round(lat, 7), round(lon, 7)


def _polar(bearing_deg: float, km: float) -> tuple[float, float]:
    b = math.radians(bearing_deg)
    return km * 1000 * math.sin(b), km * 1000 * math.cos(b)


def _smooth(points: list[tuple[float, float]], steps: int = 8) -> list[tuple[float, float]]:
    """A Catmull-Rom curve through the points (x, y in metres)."""
    out = []
    padded = [points[0], *points, points[-1]]
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for s in range(steps):
            t = s / steps
            out.append(
                tuple(
                    0.5
                    * (
                        2 * p1[k]
                        + (-p0[k] + p2[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t * t
                        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t**3
                    )
                    for k in (0, 1)
                )
            )
    out.append(points[-1])
    return out


def _band(line: list[tuple[float, float]], half_width: float) -> list[tuple[float, float]]:
    """A polygon (x, y) of the given half width around a polyline."""
    left, right = [], []
    for i, (x, y) in enumerate(line):
        ax, ay = line[max(i - 1, 0)]
        bx, by = line[min(i + 1, len(line) - 1)]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy) or 1
        nx, ny = -dy / length, dx / length
        left.append((x + nx * half_width, y + ny * half_width))
        right.append((x - nx * half_width, y - ny * half_width))
    ring = left + right[::-1]
    return [*ring, ring[0]]


class _Extract:
    def __init__(self):
        self.nodes: list[str] = []
        self.ways: list[str] = []
        self.next_node = 1
        self.next_way = 1

    @staticmethod
    def _tags(tags: dict) -> str:
        return "".join(f'<tag k="{k}" v={quoteattr(str(v))}/>' for k, v in tags.items())

    def node(self, x: float, y: float, tags: dict | None = None) -> int:
        nid = self.next_node
        self.next_node += 1
        lat, lon = _to_latlon(x, y)
        if tags:
            self.nodes.append(
                f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}">{self._tags(tags)}</node>'
            )
        else:
            self.nodes.append(f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
        return nid

    def way(self, points, tags: dict, *, closed: bool = False) -> int:
        refs = [self.node(x, y) for x, y in (points[:-1] if closed else points)]
        if closed:
            refs.append(refs[0])
        wid = self.next_way
        self.next_way += 1
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        self.ways.append(f'<way id="{wid}" version="1">{nds}{self._tags(tags)}</way>')
        return wid

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            out.write('<osm version="0.6" generator="WeGov demo">\n')
            for line in self.nodes:
                out.write(line + "\n")
            for line in self.ways:
                out.write(line + "\n")
            out.write("</osm>\n")


def _street_names(rng, count: int) -> list[str]:
    generated = [stem + suffix for stem in STEMS for suffix in SUFFIXES]
    generated = [name for name in generated if name not in FIRST_NAMES]
    rng.shuffle(generated)
    names = FIRST_NAMES + generated
    if count > len(names):
        names += [f"{name} {n}" for n in range(2, 10) for name in generated]
    return names[:count]


def _pieces():
    """Grid street pieces: (orientation, line offset, start, end), metres."""
    pieces = []
    lines = int(RADIUS_M // BLOCK_M)
    for orientation in ("ns", "ew"):
        for k in range(-lines, lines + 1):
            c = k * BLOCK_M
            half = math.sqrt(max(RADIUS_M**2 - c**2, 0))
            if half < BLOCK_M:
                continue
            length = PIECE_BLOCKS * BLOCK_M
            start = -half
            while start < half - BLOCK_M / 2:
                end = min(start + length, half)
                pieces.append((orientation, k, c, start, end))
                start = end
    return pieces


def _xy(orientation: str, c: float, t: float) -> tuple[float, float]:
    return (c, t) if orientation == "ns" else (t, c)


def build(rng, districts) -> _Extract:
    osm = _Extract()
    shapes = [(d.slug, prep(shape(d.geometry))) for d in districts]

    def district_of(x, y) -> str:
        lat, lon = _to_latlon(x, y)
        point = Point(lon, lat)
        return next((slug for slug, polygon in shapes if polygon.covers(point)), "")

    # Water first: nothing is built on it.
    river_line = _smooth([_polar(b, km) for b, km in RIVER])
    river = _band(river_line, 35)
    osm.way(river, {"natural": "water", "water": "river", "name": "De Linde"}, closed=True)
    pond_x, pond_y = _polar(*POND)
    pond = [
        (pond_x + 110 * math.cos(a * math.pi / 8), pond_y + 60 * math.sin(a * math.pi / 8))
        for a in range(16)
    ]
    osm.way([*pond, pond[0]], {"natural": "water", "name": "Parkvijver"}, closed=True)
    water = Polygon(river).union(Polygon(pond))
    wet = {margin: prep(water.buffer(margin) if margin else water) for margin in (0, 12, 40)}

    def dry(x, y, margin=0) -> bool:
        return not wet[margin].covers(Point(x, y))

    pieces = _pieces()
    names = _street_names(rng, len(pieces))
    house_count = lamp_count = 0
    for (orientation, k, c, start, end), name in zip(pieces, names, strict=True):
        main = k % MAIN_ROAD_EVERY == 0
        highway = "tertiary" if main else "residential"
        steps = max(int((end - start) // STREET_NODE_M), 1)
        points = [_xy(orientation, c, start + (end - start) * i / steps) for i in range(steps + 1)]
        osm.way(points, {"highway": highway, "name": name, "maxspeed": 50 if main else 30})
        mid = _xy(orientation, c, (start + end) / 2)
        postcode = POSTCODES.get(district_of(*mid), "3819")
        letters = f"{chr(65 + len(name) % 26)}{chr(65 + (k + 13) % 26)}"
        # Houses: odd numbers on one side, even on the other.
        number = {1: 1, -1: 2}
        t = start + HOUSE_SPACING_M / 2
        while t < end - 10:
            for side in (1, -1):
                x, y = _xy(orientation, c, t)
                dx, dy = (
                    (side * HOUSE_OFFSET_M, 0)
                    if orientation == "ns"
                    else (0, side * HOUSE_OFFSET_M)
                )
                hx, hy = x + dx, y + dy
                if not dry(hx, hy, 12):
                    continue
                tags = {
                    "addr:street": name,
                    "addr:housenumber": str(number[side]),
                    "addr:postcode": f"{postcode} {letters}",
                    "addr:city": "Lindenbrug",
                }
                if rng.random() < BUILDING_SHARE:
                    w, d = 5.0, 6.0  # half sizes
                    if orientation == "ew":
                        w, d = d, w
                    box = [(hx - w, hy - d), (hx + w, hy - d), (hx + w, hy + d), (hx - w, hy + d)]
                    osm.way([*box, box[0]], {"building": "house", **tags}, closed=True)
                else:
                    osm.node(hx, hy, tags)
                number[side] += 2
                house_count += 1
            t += HOUSE_SPACING_M
        # Street lamps along the kerb, alternating sides.
        t, side = start + 20, 1
        while t < end - 5:
            x, y = _xy(orientation, c, t)
            dx, dy = (side * 7, 0) if orientation == "ns" else (0, side * 7)
            if dry(x + dx, y + dy):
                osm.node(
                    x + dx, y + dy, {"highway": "street_lamp", "ref": f"LB-{10000 + lamp_count}"}
                )
                lamp_count += 1
            t += LAMP_SPACING_M
            side = -side
        if main:
            t = start + BUS_STOP_SPACING_M / 2
            while t < end - 50:
                x, y = _xy(orientation, c, t)
                dx, dy = (10, 0) if orientation == "ns" else (0, 10)
                if dry(x + dx, y + dy):
                    stop = rng.choice(STEMS) + "plein" if rng.random() < 0.5 else name
                    osm.node(
                        x + dx,
                        y + dy,
                        {"highway": "bus_stop", "public_transport": "platform", "name": stop},
                    )
                    osm.node(x + dx + 3, y + dy + 3, {"amenity": "waste_basket"})
                    osm.node(x + dx - 3, y + dy - 3, {"amenity": "bench"})
                t += BUS_STOP_SPACING_M

    # Benches and bins scattered along the streets; playgrounds in every district.
    def along_street():
        orientation, _k, c, start, end = rng.choice(pieces)
        t = rng.uniform(start, end)
        x, y = _xy(orientation, c, t)
        off = rng.choice((-9, 9))
        return (x + off, y) if orientation == "ns" else (x, y + off)

    for _ in range(140):
        x, y = along_street()
        if dry(x, y):
            osm.node(x, y, {"amenity": "bench"})
    for _ in range(220):
        x, y = along_street()
        if dry(x, y):
            osm.node(x, y, {"amenity": "waste_basket"})
    for district in districts:
        polygon = shape(district.geometry)
        placed = 0
        while placed < 3:
            x, y = along_street()
            lat, lon = _to_latlon(x, y)
            if polygon.contains(Point(lon, lat)) and dry(x, y, 40):
                # A small fenced square beside the street.
                side = 15
                ox, oy = x + rng.choice((-30, 30)), y + rng.choice((-30, 30))
                square = [
                    (ox - side, oy - side),
                    (ox + side, oy - side),
                    (ox + side, oy + side),
                    (ox - side, oy + side),
                ]
                osm.way(
                    [*square, square[0]],
                    {"leisure": "playground", "name": f"Speeltuin {district.name} {placed + 1}"},
                    closed=True,
                )
                placed += 1
    osm.houses, osm.lamps = house_count, lamp_count
    return osm


def extract_path() -> Path:
    return Path(settings.VAR_DIR) / "demo" / "lindenbrug.osm"


def load(demo) -> None:
    districts = demo.shared["districts"]
    osm = build(demo.rng, districts)
    path = extract_path()
    osm.write(path)
    record = services.osm_import(path=path)
    counts = record.counts
    for code, radius in (("streetlight", 50), ("lamp-post", 50)):
        category = Category.objects.filter(service_code=code).first()
        if category is not None:
            CategoryFeatureRule.objects.get_or_create(
                category=category, feature_kind="street_lamp", defaults={"radius_m": radius}
            )
    demo.say(
        f"  OpenStreetMap extract {path.name}: {counts['objects_read']} objects, "
        f"{counts['streets']} streets, {counts['addresses']} addresses, "
        f"{counts['features']} features, {counts['buildings']} buildings"
    )
