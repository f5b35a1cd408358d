"""The one map's data: GET /api/v1/map/items (GeoJSON, clustered when crowded)."""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wegov.api.auth import session_token_or_anyone
from wegov.core import maptiles

from . import selectors

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
    box, errors = _check(query, request.user)
    if errors:
        detail = " ".join(f"{field}: {m}" for field, messages in errors.items() for m in messages)
        return Status(400, {"detail": detail, "errors": errors})
    filters = selectors.MapFilters.from_days(
        kinds=tuple(sorted(set(query.kind))),
        category=query.category,
        status=query.status,
        district=query.district,
        start=query.start,
        end=query.end,
        followed_by=request.user.pk if query.followed else None,
    )
    body = selectors.items_geojson(filters, box=box, zoom=query.zoom)
    response = HttpResponse(body, content_type="application/geo+json")
    if filters.followed_by is None:
        response["Cache-Control"] = "public, max-age=30"
    else:
        response["Cache-Control"] = "private, max-age=0"
        patch_vary_headers(response, ["Cookie", "Authorization"])
    return response


SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


def _check(query: MapItemsQuery, user) -> tuple[maptiles.BBox | None, dict[str, list[str]]]:
    """The box, and what is wrong with the query by parameter (the map's hot
    path: no form). Unknown categories, statuses and districts are not errors:
    they match nothing."""
    errors: dict[str, list[str]] = {}
    box = None
    try:
        box = maptiles.parse_bbox(query.bbox)
    except maptiles.BadBBox as exc:
        errors["bbox"] = [str(exc)]
    if query.zoom is not None and not 0 <= query.zoom <= 24:
        errors["zoom"] = [_("The zoom must lie between 0 and 24.")]
    unknown = sorted(set(query.kind) - {kind for kind, _label in selectors.kind_choices()})
    if unknown:
        errors["kind"] = [_("Unknown kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}]
    for name in ("category", "status", "district"):
        value = getattr(query, name)
        if value and not SLUG.match(value):
            errors[name] = [_("Only letters, digits, hyphens and underscores.")]
    if query.start and query.end and query.start > query.end:
        errors["end"] = [_("The end date must not be before the start date.")]
    if query.followed and not user.is_authenticated:
        errors["followed"] = [_("Log in or send an API token to see what you follow.")]
    return box, errors
