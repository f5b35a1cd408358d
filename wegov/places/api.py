"""The city's boundaries and your areas of interest (mounted at /api/v1/places/)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from . import selectors, services
from .models import AreaOfInterest, District

router = Router(tags=["places"])


class ErrorOut(Schema):
    detail: str | dict | list


class AreaProperties(Schema):
    name: str
    slug: str
    kind: Literal["city", "district"]
    population: int | None


class AreaFeature(Schema):
    type: Literal["Feature"]
    id: str
    properties: AreaProperties
    geometry: dict[str, Any] = Field(
        description="A GeoJSON Polygon or MultiPolygon in WGS84 longitude/latitude"
    )


class AreaCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[AreaFeature]


def geojson_response(request) -> HttpResponse:
    """The boundaries' FeatureCollection, with an ETag (304 when unchanged) and
    a public cache lifetime; shared by the API and the page route."""
    body, version = selectors.areas_geojson_bytes()
    etag = f'"areas-{version}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response


@router.get(
    "/areas",
    auth=None,
    response={200: AreaCollection},
    summary="The city boundary and its districts as GeoJSON",
    description=(
        "A GeoJSON FeatureCollection (WGS84): the city boundary first (kind `city`), then "
        "the districts (kind `district`) by name, each with `name`, `slug`, `kind` and "
        "`population` (null when unknown). Served with an ETag: send `If-None-Match` to get "
        "304 when nothing changed."
    ),
)
def areas(request):
    return geojson_response(request)


# --- Areas of interest ------------------------------------------------------------------


class CentreIn(Schema):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class AreaOfInterestIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    kind: Literal["circle", "districts"]
    center: CentreIn | None = Field(None, description="Required for a circle")
    radius_m: int | None = Field(
        None,
        ge=AreaOfInterest.MIN_RADIUS,
        le=AreaOfInterest.MAX_RADIUS,
        description="Required for a circle: metres",
    )
    districts: list[str] = Field(
        default_factory=list, max_length=100, description="District slugs, for kind districts"
    )


class AreaOfInterestOut(Schema):
    id: int
    name: str
    kind: str
    center: CentreIn | None
    radius_m: int | None
    districts: list[str]
    created_at: dt.datetime


class AreaOfInterestListOut(Schema):
    count: int
    limit: int
    items: list[AreaOfInterestOut]


def _user(request):
    user = request.auth
    if not user.has_perm("places.manage_areas_of_interest"):
        raise PermissionDenied
    return user


def _out(area: AreaOfInterest) -> dict:
    return {
        "id": area.pk,
        "name": area.name,
        "kind": area.kind,
        "center": {"lat": area.center_lat, "lon": area.center_lon} if area.is_circle else None,
        "radius_m": area.radius_m,
        "districts": [d.slug for d in area.districts.all()],
        "created_at": area.created_at,
    }


@router.get(
    "/areas-of-interest",
    response={200: AreaOfInterestListOut, 401: ErrorOut, 403: ErrorOut},
    summary="Your areas of interest",
)
def list_areas_of_interest(request):
    rows = selectors.areas_of_interest_of(_user(request))
    return {
        "count": len(rows),
        "limit": settings.WEGOV_AREAS_OF_INTEREST_MAX,
        "items": [_out(a) for a in rows],
    }


@router.post(
    "/areas-of-interest",
    response={201: AreaOfInterestOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Save an area of interest (a circle or districts)",
    description=(
        "You are notified of new public contributions on the map inside it (notification "
        "type `areas`). A circle: `center` and `radius_m` (50 to 20,000 metres); districts: "
        "`districts` as slugs (see GET /areas)."
    ),
)
def create_area_of_interest(request, payload: AreaOfInterestIn):
    user = _user(request)
    slugs = list(dict.fromkeys(payload.districts))
    districts = list(District.objects.filter(slug__in=slugs))
    if len(districts) != len(slugs):
        unknown = sorted(set(slugs) - {d.slug for d in districts})
        raise ValidationError(
            {"districts": _("Unknown districts: %(slugs)s.") % {"slugs": ", ".join(unknown)}}
        )
    area = services.area_of_interest_create(
        actor=user,
        data=services.AreaOfInterestData(
            name=payload.name,
            kind=payload.kind,
            center_lat=payload.center.lat if payload.center else None,
            center_lon=payload.center.lon if payload.center else None,
            radius_m=payload.radius_m,
            districts=districts,
        ),
    )
    return Status(201, _out(selectors.area_of_interest_of(user, area.pk)))


@router.get(
    "/areas-of-interest/{area_id}",
    response={200: AreaOfInterestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One of your areas of interest",
)
def get_area_of_interest(request, area_id: int):
    return _out(selectors.area_of_interest_of(_user(request), area_id))


@router.delete(
    "/areas-of-interest/{area_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Delete one of your areas of interest",
)
def delete_area_of_interest(request, area_id: int):
    user = _user(request)
    services.area_of_interest_delete(actor=user, area=selectors.area_of_interest_of(user, area_id))
    return Status(204, None)
