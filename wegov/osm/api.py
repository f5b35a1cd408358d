"""Geocoding over HTTP: /api/v1/geocoding/search and /api/v1/geocoding/reverse.

Public (no log-in), for the report form's JavaScript and other clients. The
answers come from the geocoding adapter (Nominatim when configured, else the
local OpenStreetMap index, else nothing). Bad input is a 400 with a reason;
each address may ask REQUESTS_PER_MINUTE times a minute (then 429).
"""

from __future__ import annotations

import functools
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from wegov.core.numbers import whole_number
from wegov.places import geocoding

from . import selectors

router = Router(tags=["geocoding"])

REQUESTS_PER_MINUTE = 60


class PlaceOut(Schema):
    lat: float
    lon: float
    label: str
    kind: str
    context: str
    distance_m: float | None
    source: str


class SearchOut(Schema):
    geocoder: str
    results: list[PlaceOut]


class ReverseOut(Schema):
    geocoder: str
    result: PlaceOut | None
    warnings: list[str]


class ErrorOut(Schema):
    detail: str


def _client_ip(request) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class TooManyRequests(Exception):
    pass


def _throttle(request) -> None:
    key = f"geocoding:rate:{_client_ip(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, 90)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    limit = getattr(settings, "WEGOV_GEOCODING_REQUESTS_PER_MINUTE", REQUESTS_PER_MINUTE)
    if count > limit:
        raise TooManyRequests


def _coordinate(raw: str | None, name: str, limit: float) -> float:
    try:
        value = float(raw or "")
    except ValueError:
        raise ValidationError(_("%(name)s must be a number.") % {"name": name}) from None
    if not math.isfinite(value) or abs(value) > limit:
        raise ValidationError(
            _("%(name)s must lie between -%(limit)d and %(limit)d.")
            % {"name": name, "limit": limit}
        )
    return value


def _limited(handler):
    @functools.wraps(handler)
    def wrapper(request, *args, **kwargs):
        try:
            _throttle(request)
        except TooManyRequests:
            return Status(429, {"detail": _("Too many geocoding requests: try again in a minute.")})
        return handler(request, *args, **kwargs)

    return wrapper


@router.get(
    "/search",
    url_name="osm_search",
    auth=None,
    response={200: SearchOut, 400: ErrorOut, 429: ErrorOut},
    summary="Find places by address or street name",
)
@_limited
def search(request, q: str = "", limit: str = "5"):
    """Candidates for an address ("Kerkstraat 12", "Kerkstraat 12, Lindenbrug") or a
    street name, best first. `geocoder` says which geocoder answered ("nominatim",
    "osm" for the local index, "" for none: then results are always empty)."""
    text = " ".join(q.split())
    if len(text) < 2 or len(text) > geocoding.MAX_QUERY_LENGTH:
        raise ValidationError(
            _("q must be an address or street name of 2 to %(max)d characters.")
            % {"max": geocoding.MAX_QUERY_LENGTH}
        )
    count = whole_number(limit, maximum=10)
    if not count:
        raise ValidationError(_("limit must be a whole number from 1 to 10."))
    results = geocoding.geocode(text, count)
    return {"geocoder": geocoding.backend(), "results": [r.as_dict() for r in results]}


@router.get(
    "/reverse",
    url_name="osm_reverse",
    auth=None,
    response={200: ReverseOut, 400: ErrorOut, 429: ErrorOut},
    summary="The nearest address or street of a point, and warnings about it",
)
@_limited
def reverse(request, lat: str = "", lon: str = ""):
    """The nearest address (within 75 m) or street (within 150 m) of a WGS84 point,
    or null; `warnings` says when the point lies on water or inside a building
    (from the local OpenStreetMap index)."""
    lat_value = _coordinate(lat, "lat", 90)
    lon_value = _coordinate(lon, "lon", 180)
    found = geocoding.reverse(lat_value, lon_value)
    return {
        "geocoder": geocoding.backend(),
        "result": found.as_dict() if found else None,
        "warnings": selectors.location_warnings(lat_value, lon_value),
    }
