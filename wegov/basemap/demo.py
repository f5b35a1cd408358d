"""Demo base-map problems: a dozen flags by demo residents, some already
passed on to OpenStreetMap, fixed or rejected by the city's mappers."""

from shapely.geometry import Point, shape
from shapely.prepared import prep

from . import services
from .models import Kind, Status

FLAGS = [
    (Kind.MISSING, "There is a bench here by the pond, but it is not on the map.", Status.OPEN),
    (Kind.WRONG_NAME, "The map says Molenweg, the street sign says Molenstraat.", Status.OPEN),
    (Kind.BLOCKED, "The footpath along the canal is fenced off for the new bridge.", Status.SENT),
    (Kind.OBSOLETE, "The post box shown here was removed last spring.", Status.FIXED),
    (Kind.MISSING, "The new cycle path behind the school is missing.", Status.OPEN),
    (Kind.OTHER, "The playground is drawn on the wrong side of the road.", Status.OPEN),
    (Kind.WRONG_NAME, "The park is called Lindenhof, not Lindehof.", Status.SENT),
    (Kind.BLOCKED, "Steps under the railway are closed for repairs until June.", Status.REJECTED),
    (Kind.MISSING, "Drinking-water tap at the market square is not mapped.", Status.OPEN),
    (Kind.OBSOLETE, "This shop closed years ago; the building is now housing.", Status.OPEN),
    (Kind.MISSING, "The pedestrian crossing near the library is missing.", Status.FIXED),
    (Kind.OTHER, "The bus stop is mapped about 50 metres too far north.", Status.OPEN),
]
NOTES = {
    Status.SENT: "Sent as an OpenStreetMap note.",
    Status.FIXED: "Fixed by a local mapper.",
    Status.REJECTED: "Temporary closure: not for the base map.",
}


def _point_in(rng, geometry) -> tuple[float, float]:
    area = shape(geometry)
    inside = prep(area)
    west, south, east, north = area.bounds
    for _attempt in range(200):
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        if inside.contains(Point(lon, lat)):
            return round(lat, 6), round(lon, 6)
    point = area.representative_point()
    return round(point.y, 6), round(point.x, 6)


def load(demo) -> None:
    districts = demo.shared["districts"]
    citizens = demo.shared["citizens"]
    mapper = demo.shared["staff"][0]
    rng = demo.rng
    for index, (kind, text, status) in enumerate(FLAGS):
        lat, lon = _point_in(rng, districts[index % len(districts)].geometry)
        flag = services.flag_create(
            actor=citizens[index % len(citizens)],
            data=services.NewFlag(
                kind=kind,
                description=text,
                lat=lat,
                lon=lon,
                osm_reference=f"way/{rng.randint(10_000_000, 900_000_000)}"
                if index % 3 == 0
                else "",
            ),
        )
        if status != Status.OPEN:
            services.flag_change_status(actor=mapper, flag=flag, status=status, notes=NOTES[status])
    demo.say(f"  {len(FLAGS)} base-map problems")
