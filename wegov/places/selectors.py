from shapely.geometry import Point, shape
from shapely.prepared import prep

from .models import Area, District


def _containing(queryset, lat: float, lon: float):
    point = Point(lon, lat)
    candidates = queryset.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    )
    for area in candidates:
        if prep(shape(area.geometry)).covers(point):
            return area
    return None


def district_at(lat: float, lon: float) -> District | None:
    return _containing(District.objects.all(), lat, lon)


def city_area() -> Area | None:
    return Area.objects.filter(kind=Area.Kind.CITY).first()


def is_inside_city(lat: float, lon: float) -> bool:
    """True when the point lies in the city boundary (or no boundary is set)."""
    city = city_area()
    if city is None:
        return True
    return _containing(Area.objects.filter(pk=city.pk), lat, lon) is not None


def city_bounds() -> str:
    """``minlat,minlon,maxlat,maxlon`` of the city boundary for a map's first view
    (the maps' data-bounds attribute), or "" without a boundary."""
    city = city_area()
    if city is None:
        return ""
    return f"{city.min_lat},{city.min_lon},{city.max_lat},{city.max_lon}"
