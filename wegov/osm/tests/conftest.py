"""A small OSM extract written by the tests, around the test city's centre."""

from xml.sax.saxutils import quoteattr

import pytest

from wegov.osm import services

# (lat, lon) of the extract's landmarks.
KERKSTRAAT_LAT = 52.1550
EENDRACHT_LAT = 52.1600
BUILDING_12 = (52.15530, 5.38800)  # centre of Kerkstraat 12, a building
ADDRESS_14 = (52.15530, 5.38900)  # an address node
LAMP = (52.15505, 5.39000)
POND_CENTRE = (52.1460, 5.3770)
RIVER_CENTRE = (52.1650, 5.4000)


class OsmWriter:
    """Builds an .osm XML document node by node."""

    def __init__(self):
        self.nodes, self.ways, self.relations = [], [], []
        self.next_id = 1

    def _id(self):
        self.next_id += 1
        return self.next_id

    @staticmethod
    def _tags(tags):
        return "".join(f"<tag k={quoteattr(k)} v={quoteattr(str(v))}/>" for k, v in tags.items())

    def node(self, lat, lon, **tags):
        nid = self._id()
        self.nodes.append(f'<node id="{nid}" lat="{lat}" lon="{lon}">{self._tags(tags)}</node>')
        return nid

    def way(self, points, tags, closed=False):
        refs = [self.node(lat, lon) for lat, lon in points]
        if closed:
            refs.append(refs[0])
        wid = self._id()
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        self.ways.append(f'<way id="{wid}">{nds}{self._tags(tags)}</way>')
        return wid

    def box(self, centre, half_lat, half_lon, tags):
        lat, lon = centre
        corners = [
            (lat - half_lat, lon - half_lon),
            (lat - half_lat, lon + half_lon),
            (lat + half_lat, lon + half_lon),
            (lat + half_lat, lon - half_lon),
        ]
        return self.way(corners, tags, closed=True)

    def multipolygon(self, outer_way, tags):
        rid = self._id()
        self.relations.append(
            f'<relation id="{rid}"><member type="way" ref="{outer_way}" role="outer"/>'
            f"{self._tags({'type': 'multipolygon', **tags})}</relation>"
        )
        return rid

    def xml(self):
        body = "\n".join(self.nodes + self.ways + self.relations)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n{body}\n</osm>\n'

    def save(self, path):
        path.write_text(self.xml(), encoding="utf-8")
        return path


def small_extract() -> OsmWriter:
    w = OsmWriter()
    w.way(
        [(KERKSTRAAT_LAT, 5.3850 + i * 0.002) for i in range(6)],
        {"highway": "residential", "name": "Kerkstraat"},
    )
    w.way(
        [(EENDRACHT_LAT, 5.3850 + i * 0.002) for i in range(6)],
        {"highway": "tertiary", "name": "Ééndrachtstraat"},
    )
    w.way([(52.1500, 5.385), (52.1500, 5.395)], {"highway": "footway"})  # unnamed: not a street
    w.box(
        BUILDING_12,
        0.00005,
        0.00008,
        {"building": "house", "addr:street": "Kerkstraat", "addr:housenumber": "12"},
    )
    w.node(
        *ADDRESS_14,
        **{
            "addr:street": "Kerkstraat",
            "addr:housenumber": "14",
            "addr:postcode": "3811 AB",
            "addr:city": "Lindenbrug",
        },
    )
    w.node(
        EENDRACHT_LAT + 0.0003,
        5.3900,
        **{"addr:street": "Ééndrachtstraat", "addr:housenumber": "3a"},
    )
    w.node(*LAMP, highway="street_lamp", ref="LB-00042")
    w.node(KERKSTRAAT_LAT + 0.0002, 5.3920, amenity="bench")
    w.node(KERKSTRAAT_LAT - 0.0002, 5.3920, amenity="waste_basket")
    w.node(EENDRACHT_LAT - 0.0001, 5.3870, highway="bus_stop", name="Eendrachtplein")
    w.box((52.1580, 5.3930), 0.0002, 0.0003, {"leisure": "playground"})
    w.box(POND_CENTRE, 0.001, 0.002, {"natural": "water", "name": "Lindevijver"})
    river = w.box(RIVER_CENTRE, 0.0005, 0.004, {})
    w.multipolygon(river, {"natural": "water", "name": "De Linde"})
    return w


@pytest.fixture
def extract_path(tmp_path):
    return small_extract().save(tmp_path / "small.osm")


@pytest.fixture
def imported(db, extract_path):
    return services.osm_import(path=extract_path)
