"""Base-map problems over HTTP: /api/v1/basemap/.

- ``GET flags``: the city's mappers (staff, moderators, administrators) list
  the flags, filtered by status and kind, 50 a page; 403 for anyone else.
- ``POST flags``: anyone signed in and not blocked files a flag (session with
  CSRF, or an API token); 400 with a reason per field (outside the city, bad
  OSM element, empty description), 403 when blocked.

No personal data is returned: not who filed a flag, nor the mappers' notes.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema, Status

from wegov.api.auth import session_auth, token_auth

from . import selectors, services
from .models import DESCRIPTION_MAX, BaseMapFlag, Kind
from .models import Status as FlagStatus

router = Router(tags=["base-map problems"], auth=[session_auth, token_auth])

API_PAGE_SIZE = 50


class ErrorOut(Schema):
    detail: str | dict | list


class FlagIn(Schema):
    kind: Literal[tuple(Kind.values)] = Field(  # type: ignore[valid-type]
        description="missing, wrong_name, blocked, obsolete or other"
    )
    description: str = Field(max_length=DESCRIPTION_MAX * 2)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    osm_reference: str = Field(
        "",
        max_length=200,
        description="Optional: node/123, way/123, relation/123 or an osm.org URL",
    )


class FlagOut(Schema):
    id: int
    kind: str
    description: str
    lat: float
    lon: float
    district: str
    osm_type: str
    osm_id: int | None
    status: str
    created_at: dt.datetime
    status_changed_at: dt.datetime | None
    url: str


class FlagPage(Schema):
    count: int
    page: int
    pages: int
    results: list[FlagOut]


class FlagQuery(Schema):
    status: Literal[("", *FlagStatus.values)] = ""  # type: ignore[valid-type]
    kind: Literal[("", *Kind.values)] = ""  # type: ignore[valid-type]
    page: int = Field(1, ge=1)


def _out(flag: BaseMapFlag) -> dict:
    return {
        "id": flag.pk,
        "kind": flag.kind,
        "description": flag.description,
        "lat": flag.lat,
        "lon": flag.lon,
        "district": flag.district.name if flag.district_id else "",
        "osm_type": flag.osm_type,
        "osm_id": flag.osm_id,
        "status": flag.status,
        "created_at": flag.created_at,
        "status_changed_at": flag.status_changed_at,
        "url": selectors.flag_url(flag),
    }


@router.get(
    "/flags",
    response={200: FlagPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Base-map problems, newest first (the city's mappers)",
)
def list_flags(request, query: Query[FlagQuery]):
    if not request.auth.has_perm("basemap.list_flags"):
        raise PermissionDenied
    paginator = Paginator(selectors.flags(status=query.status, kind=query.kind), API_PAGE_SIZE)
    if query.page > max(paginator.num_pages, 1):
        return {"count": paginator.count, "page": query.page, "pages": paginator.num_pages,
                "results": []}  # fmt: skip
    page = paginator.page(query.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [_out(flag) for flag in page.object_list],
    }


@router.post(
    "/flags",
    response={201: FlagOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Flag a base-map problem (anyone signed in)",
)
def create_flag(request, data: FlagIn):
    flag = services.flag_create(
        actor=request.auth,
        data=services.NewFlag(
            kind=data.kind,
            description=data.description,
            lat=data.lat,
            lon=data.lon,
            osm_reference=data.osm_reference,
        ),
    )
    flag = selectors.flag_detail(flag.pk)
    return Status(201, _out(flag))
