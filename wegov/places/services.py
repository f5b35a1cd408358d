from django.db import transaction
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from .models import Area


class InvalidGeometry(ValueError):
    pass


def _valid_polygon(geojson: dict):
    try:
        geom = shape(geojson)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidGeometry(f"Not a GeoJSON geometry: {exc}") from exc
    if geom.geom_type not in {"Polygon", "MultiPolygon"}:
        raise InvalidGeometry(f"Expected a Polygon or MultiPolygon, got {geom.geom_type}.")
    if not geom.is_valid:
        raise InvalidGeometry(explain_validity(geom))
    return geom


@transaction.atomic
def area_save(*, kind: str, name: str, slug: str, geometry: dict, population=None) -> Area:
    geom = _valid_polygon(geometry)
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    area, _created = Area.objects.update_or_create(
        slug=slug,
        defaults={
            "kind": kind,
            "name": name,
            "geometry": mapping(geom),
            "min_lat": min_lat,
            "min_lon": min_lon,
            "max_lat": max_lat,
            "max_lon": max_lon,
            "population": population,
        },
    )
    return area
