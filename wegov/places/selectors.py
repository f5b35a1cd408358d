import json

from django.core.cache import cache
from django.db.models import Case, Count, Max, Prefetch, When
from django.http import Http404
from shapely.geometry import Point, shape
from shapely.prepared import prep

from .models import Area, AreaOfInterest, District


def _containing(queryset, lat: float, lon: float):
    point = Point(lon, lat)
    candidates = queryset.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    )
    for area in candidates:
        if prep(shape(area.geometry)).covers(point):
            return area
    return None


class DistrictLocator:
    """Point-in-district for many points: the districts read once, then
    bounding boxes and prepared shapely shapes."""

    def __init__(self, districts=None):
        if districts is None:
            districts = Area.objects.filter(kind=Area.Kind.DISTRICT)
        self.items = [
            (a.pk, (a.min_lat, a.min_lon, a.max_lat, a.max_lon), prep(shape(a.geometry)))
            for a in districts
        ]

    def district_id(self, lat: float, lon: float) -> int | None:
        point = None
        for pk, (min_lat, min_lon, max_lat, max_lon), geom in self.items:
            if min_lat <= lat <= max_lat and min_lon <= lon <= max_lon:
                point = point or Point(lon, lat)
                if geom.covers(point):
                    return pk
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


def districts() -> list[District]:
    return list(District.objects.order_by("name"))


# --- The boundaries as GeoJSON (the map, the API) ------------------------------------


def areas_version() -> str:
    """Changes whenever an area is added, changed or removed (one query)."""
    found = Area.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    last = found["last"].isoformat() if found["last"] else "-"
    return f"{found['n']}-{found['top']}-{last}"


def areas_feature_collection() -> dict:
    """The city boundary and its districts as a GeoJSON FeatureCollection:
    properties name, slug, kind and population; the city first."""
    features = []
    rows = Area.objects.order_by(Case(When(kind=Area.Kind.CITY, then=0), default=1), "name").values(
        "pk", "kind", "name", "slug", "population", "geometry"
    )
    for row in rows:
        features.append(
            {
                "type": "Feature",
                "id": row["slug"],
                "properties": {
                    "name": row["name"],
                    "slug": row["slug"],
                    "kind": row["kind"],
                    "population": row["population"],
                },
                "geometry": row["geometry"],
            }
        )
    return {"type": "FeatureCollection", "features": features}


def areas_geojson_bytes() -> tuple[bytes, str]:
    """(body, version) of the areas FeatureCollection, cached per version."""
    version = areas_version()
    key = f"places:areas-geojson:{version}"
    body = cache.get(key)
    if body is None:
        body = json.dumps(areas_feature_collection(), separators=(",", ":")).encode()
        cache.set(key, body, 24 * 3600)
    return body, version


# --- Areas of interest ----------------------------------------------------------------


def areas_of_interest_of(user) -> list[AreaOfInterest]:
    return list(
        AreaOfInterest.objects.filter(user=user)
        .prefetch_related(Prefetch("districts", queryset=Area.objects.order_by("name")))
        .order_by("name", "id")
    )


def area_of_interest_of(user, pk) -> AreaOfInterest:
    """The person's own area; anyone else's looks exactly like a missing one."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    area = (
        AreaOfInterest.objects.filter(user=user, pk=pk)
        .prefetch_related(Prefetch("districts", queryset=Area.objects.order_by("name")))
        .first()
    )
    if area is None:
        raise Http404
    return area


def users_interested_in(lat: float, lon: float, district_slug: str = "") -> set[int]:
    """Ids of the people with an area of interest holding the point: a circle
    around it (bounding box in the database, then the exact distance) or the
    district with this slug. Two queries, whatever the number of areas."""
    from .services import distance_m

    found: set[int] = set()
    circles = AreaOfInterest.objects.filter(
        kind=AreaOfInterest.Kind.CIRCLE,
        min_lat__lte=lat,
        max_lat__gte=lat,
        min_lon__lte=lon,
        max_lon__gte=lon,
        user__is_active=True,
    ).values_list("user_id", "center_lat", "center_lon", "radius_m")
    for user_id, c_lat, c_lon, radius in circles:
        if user_id not in found and distance_m(lat, lon, c_lat, c_lon) <= radius:
            found.add(user_id)
    if district_slug:
        found.update(
            AreaOfInterest.objects.filter(
                kind=AreaOfInterest.Kind.DISTRICTS,
                districts__slug=district_slug,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    return found


def candidate_count(lat: float, lon: float, district_slug: str = "") -> int:
    """How many areas may hold the point (boxes only): decides inline or task."""
    count = AreaOfInterest.objects.filter(
        kind=AreaOfInterest.Kind.CIRCLE,
        min_lat__lte=lat,
        max_lat__gte=lat,
        min_lon__lte=lon,
        max_lon__gte=lon,
    ).count()
    if district_slug:
        count += AreaOfInterest.objects.filter(
            kind=AreaOfInterest.Kind.DISTRICTS, districts__slug=district_slug
        ).count()
    return count
