import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from wegov.accounts import rules as account_rules
from wegov.core.activity import publish
from wegov.core.events import emit

from . import selectors
from .models import Area, AreaAlert, AreaOfInterest

# Emitted when someone saves, changes or deletes an area of interest
# (user_id=, area_id=, action= "created" | "updated" | "deleted").
AREA_OF_INTEREST_EVENT = "places.area_of_interest_changed"


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


# --- Areas of interest ----------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8


def circle_bbox(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a circle, a little generous."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.001
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, dlat / cos_lat)
    return (
        max(-90.0, lat - dlat),
        max(-180.0, lon - dlon),
        min(90.0, lat + dlat),
        min(180.0, lon + dlon),
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class AreaOfInterestData:
    name: str
    kind: str  # AreaOfInterest.Kind
    center_lat: float | None = None
    center_lon: float | None = None
    radius_m: int | None = None
    districts: Sequence[Area] = field(default_factory=list)


def _check_owner(actor) -> None:
    if not account_rules.is_citizen(actor):
        raise PermissionDenied


def _clean_area_of_interest(data: AreaOfInterestData) -> dict:
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = _("Give the area a name, for example “Around my street”.")
    elif len(name) > 80:
        errors["name"] = _("The name can be at most 80 characters.")
    values: dict = {"name": name, "kind": data.kind}
    districts: list[Area] = []
    if data.kind == AreaOfInterest.Kind.CIRCLE:
        lat, lon, radius = data.center_lat, data.center_lon, data.radius_m
        if lat is None or lon is None:
            errors["center"] = _("Choose the centre of the circle: click the map or type it.")
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors["center"] = _("That is not a valid location.")
        elif not selectors.is_inside_city(lat, lon):
            errors["center"] = _("This place is outside the city. Choose a centre in the city.")
        if radius is None:
            errors["radius_m"] = _("Give the radius of the circle in metres.")
        elif not AreaOfInterest.MIN_RADIUS <= radius <= AreaOfInterest.MAX_RADIUS:
            errors["radius_m"] = _("The radius must be between %(min)s and %(max)s metres.") % {
                "min": AreaOfInterest.MIN_RADIUS,
                "max": AreaOfInterest.MAX_RADIUS,
            }
        if "center" not in errors and "radius_m" not in errors:
            min_lat, min_lon, max_lat, max_lon = circle_bbox(lat, lon, radius)
            values.update(
                center_lat=lat,
                center_lon=lon,
                radius_m=radius,
                min_lat=min_lat,
                min_lon=min_lon,
                max_lat=max_lat,
                max_lon=max_lon,
            )
    elif data.kind == AreaOfInterest.Kind.DISTRICTS:
        districts = list({d.pk: d for d in data.districts}.values())
        if not districts:
            errors["districts"] = _("Choose at least one district.")
        elif any(d.kind != Area.Kind.DISTRICT for d in districts):
            errors["districts"] = _("Choose districts of the city.")
        values.update(
            center_lat=None,
            center_lon=None,
            radius_m=None,
            min_lat=None,
            min_lon=None,
            max_lat=None,
            max_lon=None,
        )
    else:
        errors["kind"] = _("Choose a circle or districts.")
    if errors:
        raise ValidationError(errors)
    return {"values": values, "districts": districts}


@transaction.atomic
def area_of_interest_create(*, actor, data: AreaOfInterestData) -> AreaOfInterest:
    """Save a new area of interest for the actor (at most
    WEGOV_AREAS_OF_INTEREST_MAX each)."""
    _check_owner(actor)
    cleaned = _clean_area_of_interest(data)
    # Lock the person's row: two quick submissions cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).exists()
    limit = settings.WEGOV_AREAS_OF_INTEREST_MAX
    if AreaOfInterest.objects.filter(user=actor).count() >= limit:
        raise ValidationError(
            _("You can save at most %(count)d areas of interest. Delete one first.")
            % {"count": limit}
        )
    area = AreaOfInterest.objects.create(user=actor, **cleaned["values"])
    if cleaned["districts"]:
        area.districts.set(cleaned["districts"])
    emit(AREA_OF_INTEREST_EVENT, user_id=actor.pk, area_id=area.pk, action="created")
    return area


@transaction.atomic
def area_of_interest_update(
    *, actor, area: AreaOfInterest, data: AreaOfInterestData
) -> AreaOfInterest:
    _check_owner(actor)
    if area.user_id != actor.pk:
        raise Http404
    cleaned = _clean_area_of_interest(data)
    for key, value in cleaned["values"].items():
        setattr(area, key, value)
    area.save()
    area.districts.set(cleaned["districts"])
    emit(AREA_OF_INTEREST_EVENT, user_id=actor.pk, area_id=area.pk, action="updated")
    return area


@transaction.atomic
def area_of_interest_delete(*, actor, area: AreaOfInterest) -> None:
    _check_owner(actor)
    if area.user_id != actor.pk:
        raise Http404
    area_id = area.pk
    area.delete()
    emit(AREA_OF_INTEREST_EVENT, user_id=actor.pk, area_id=area_id, action="deleted")


# --- Notifications for new contributions ---------------------------------------------

# Emitted by the map index (mapview) for each new public geolocated contribution.
MAP_ITEM_ADDED = "map.item_added"
# Activity verb of the notification (social.notification_types, type "areas").
AREA_VERB = "area.new_contribution"
# More candidate areas than this: the matching runs in a Celery task.
INLINE_CANDIDATES_MAX = 100


def area_alerts_send(
    *,
    kind: str,
    object_id: int,
    lat: float,
    lon: float,
    district: str = "",
    author_id: int | None = None,
) -> list[int]:
    """Notify everyone whose area of interest holds the point (a circle
    around it, or its district), except the author, once per person and
    contribution. Returns the ids of the people notified."""
    user_ids = selectors.users_interested_in(lat, lon, district)
    if author_id is not None:
        user_ids.discard(int(author_id))
    if not user_ids:
        return []
    with transaction.atomic():
        already = set(
            AreaAlert.objects.filter(
                kind=kind, object_id=object_id, user_id__in=user_ids
            ).values_list("user_id", flat=True)
        )
        new = sorted(user_ids - already)
        if not new:
            return []
        AreaAlert.objects.bulk_create(
            [AreaAlert(user_id=u, kind=kind, object_id=object_id) for u in new],
            ignore_conflicts=True,
        )
        publish(
            AREA_VERB,
            actor=None,
            target_kind=kind,
            target_id=object_id,
            notify=new,
            public=False,
            extra={"district": district} if district else {},
        )
    return new
