"""The one map's data: GET /api/v1/map/items (GeoJSON, clustered when crowded)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from ninja import Field, Query, Router, Schema, Status

from wegov.api.auth import session_token_or_anyone

from . import selectors
from .forms import MapItemsQueryForm

router = Router(tags=["map"])


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class MapItemsQuery(Schema):
    bbox: str = Field(
        ...,
        description="minlon,minlat,maxlon,maxlat in WGS84 degrees (Leaflet's toBBoxString()).",
        examples=["5.37,52.15,5.40,52.17"],
    )
    zoom: int | None = Field(
        None, description="The map's zoom (0-24); from 16 up, more items stay unclustered."
    )
    kind: list[str] = Field(
        [], description="Only these kinds (repeat the parameter): report, proposal, ..."
    )
    category: str = Field("", description="A report category's service code or a topic slug.")
    status: str = Field("", description="A kind's status value, e.g. open or accepted.")
    district: str = Field("", description="A district's slug.")
    start: dt.date | None = Field(None, description="Created on or after this day.")
    end: dt.date | None = Field(None, description="Created on or before this day.")
    followed: bool = Field(False, description="Only what the signed-in user follows.")


class Geometry(Schema):
    type: str = "Point"
    coordinates: list[float]


class FeatureProperties(Schema):
    cluster: bool = Field(False, description="True for a cluster of `count` items.")
    count: int | None = None
    kind: str | None = None
    kind_label: str | None = None
    id: int | None = Field(None, description="The contribution's id within its kind.")
    title: str | None = None
    status: str | None = None
    status_label: str | None = None
    category: str | None = None
    category_label: str | None = None
    url: str | None = None


class Feature(Schema):
    type: str = "Feature"
    geometry: Geometry
    properties: FeatureProperties


class FeatureCollection(Schema):
    type: str = "FeatureCollection"
    clustered: bool = Field(description="Whether any part of the box is shown as clusters.")
    cell_size: float = Field(description="The cluster grid's cell size in degrees.")
    features: list[Feature]


@router.get(
    "/items",
    response={200: FeatureCollection, 400: ErrorOut},
    auth=session_token_or_anyone,
    url_name="map_items",
    summary="Map items in a box",
    description=(
        "Every public, geolocated contribution of every kind in the box, as GeoJSON. "
        "Where a part of the box is crowded, its items come as grid clusters "
        '(`{"cluster": true, "count": n}` at their mean position), so an answer '
        "holds at most a few thousand features. Cacheable for 30 s unless `followed`."
    ),
    openapi_extra={"responses": {200: {"content": {"application/geo+json": {}}}}},
)
def map_items(request, query: Query[MapItemsQuery]):
    form = MapItemsQueryForm(request.GET, user=request.user)
    if not form.is_valid():
        errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        detail = " ".join(f"{field}: {m}" for field, messages in errors.items() for m in messages)
        return Status(400, {"detail": detail, "errors": errors})
    data = form.cleaned_data
    if query.followed and not request.user.is_authenticated:
        return Status(
            400,
            {
                "detail": "followed: log in or send an API token to see what you follow.",
                "errors": {"followed": ["Log in to see what you follow."]},
            },
        )
    filters = form.filters()
    body = selectors.items_geojson(filters, box=data["bbox"], zoom=data["zoom"])
    response = HttpResponse(body, content_type="application/geo+json")
    if filters.followed_by is None:
        patch_cache_control(response, public=True, max_age=30)
    else:
        patch_cache_control(response, private=True, max_age=0)
        patch_vary_headers(response, ["Cookie", "Authorization"])
    return response
