"""Results over HTTP: /api/v1/results/ (read-only, public).

- ``GET /``: public results, most recently changed first, 20 a page, filtered
  by ``status``, ``process`` (slug), ``district`` (slug) and ``source_kind``;
  400 with a reason per parameter for an unknown process or district or a page
  past the end, 422 for a malformed parameter.
- ``GET /{id}``: one result with its milestones, photos (with their
  descriptions) and public update log; 404 for an unknown or hidden one.

No personal data: updates say when and what, not who.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wegov.api.auth import session_token_or_anyone
from wegov.places.models import District
from wegov.processes.models import Process

from . import selectors
from .models import Result, Status

router = Router(tags=["results (accountability)"])

PER_PAGE = 20
STATUSES = tuple(Status.values)


class ErrorOut(Schema):
    detail: str | dict | list


class NamedOut(Schema):
    slug: str
    name: str


class SourceOut(Schema):
    kind: str = Field(description="The contribution kind it implements: proposal, project, ...")
    id: int


class ResultOut(Schema):
    id: int
    url: str
    title: str
    description: str = Field(description="Plain text.")
    status: Literal[STATUSES]  # type: ignore[valid-type]
    status_label: str
    progress: int = Field(description="0..100; planned is 0, done is 100.")
    cancel_reason: str
    process: NamedOut | None
    department: str
    district: NamedOut | None
    lat: float | None
    lon: float | None
    source: SourceOut | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    budget_amount: int | None
    currency: str
    status_changed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class MilestoneOut(Schema):
    title: str
    description: str
    due_on: dt.date | None
    reached_on: dt.date | None


class PhotoOut(Schema):
    url: str
    thumbnail_url: str
    alt_text: str
    width: int
    height: int


class UpdateOut(Schema):
    created_at: dt.datetime
    previous_status: str = Field(description="Empty for the entry that started tracking.")
    previous_progress: int | None
    status: str
    progress: int
    note: str


class ResultDetailOut(ResultOut):
    milestones: list[MilestoneOut]
    photos: list[PhotoOut]
    updates: list[UpdateOut]


class ResultPageOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    results: list[ResultOut]


class ResultQuery(Schema):
    status: Literal[STATUSES] | None = None  # type: ignore[valid-type]
    process: str | None = Field(None, max_length=80, description="A process slug.")
    district: str | None = Field(None, max_length=80, description="A district slug.")
    source_kind: str | None = Field(None, max_length=30, description="e.g. proposal")
    page: int = Field(1, ge=1, le=100_000)


def _out(request, result: Result) -> dict:
    process = result.process
    return {
        "id": result.pk,
        "url": request.build_absolute_uri(result.get_absolute_url()),
        "title": result.title,
        "description": result.description,
        "status": result.status,
        "status_label": str(result.get_status_display()),
        "progress": result.progress,
        "cancel_reason": result.cancel_reason,
        "process": {"slug": process.slug, "name": process.title} if process else None,
        "department": result.department.name if result.department_id else "",
        "district": {"slug": result.district.slug, "name": result.district.name}
        if result.district_id
        else None,
        "lat": result.lat,
        "lon": result.lon,
        "source": {"kind": result.source_kind, "id": result.source_id}
        if result.has_source
        else None,
        "starts_on": result.starts_on,
        "ends_on": result.ends_on,
        "budget_amount": result.budget_amount,
        "currency": result.currency,
        "status_changed_at": result.status_changed_at,
        "created_at": result.created_at,
        "updated_at": result.updated_at,
    }


@router.get(
    "/",
    response={200: ResultPageOut, 400: ErrorOut, 422: ErrorOut},
    auth=session_token_or_anyone,
    summary="Results (implementation of what the city committed to), filtered",
)
def list_results(request, query: Query[ResultQuery]):
    errors = {}
    if query.process and not Process.objects.filter(slug=query.process, is_published=True).exists():
        errors["process"] = _("Unknown process “%(slug)s”.") % {"slug": query.process}
    if query.district and not District.objects.filter(slug=query.district).exists():
        errors["district"] = _("Unknown district “%(slug)s”.") % {"slug": query.district}
    if errors:
        raise ValidationError(errors)
    qs = selectors.results(
        selectors.ResultFilters(
            status=query.status or "", process=query.process or "", district=query.district or ""
        )
    )
    if query.source_kind:
        qs = qs.filter(source_kind=query.source_kind)
    count = qs.count()
    pages = max(1, math.ceil(count / PER_PAGE))
    if query.page > pages:
        raise ValidationError(
            {
                "page": _("There is no page %(n)s; the last is %(last)s.")
                % {"n": query.page, "last": pages}
            }
        )
    start = (query.page - 1) * PER_PAGE
    return {
        "count": count,
        "page": query.page,
        "pages": pages,
        "per_page": PER_PAGE,
        "results": [_out(request, r) for r in qs[start : start + PER_PAGE]],
    }


@router.get(
    "/{int:result_id}",
    response={200: ResultDetailOut, 404: ErrorOut},
    auth=session_token_or_anyone,
    summary="One result with its milestones, photos and update log",
)
def get_result(request, result_id: int):
    result = selectors.result_for_page(result_id)
    if result is None or not selectors.is_public(result):
        raise Http404
    return {
        **_out(request, result),
        "milestones": [
            {
                "title": m.title,
                "description": m.description,
                "due_on": m.due_on,
                "reached_on": m.reached_on,
            }
            for m in result.milestones.all()
        ],
        "photos": [
            {
                "url": request.build_absolute_uri(p.image.url),
                "thumbnail_url": request.build_absolute_uri(p.thumbnail.url),
                "alt_text": p.alt_text,
                "width": p.width,
                "height": p.height,
            }
            for p in result.photos.all()
        ],
        "updates": [
            {
                "created_at": u.created_at,
                "previous_status": u.previous_status,
                "previous_progress": u.previous_progress,
                "status": u.status,
                "progress": u.progress,
                "note": u.note,
            }
            for u in result.updates.all()
        ],
    }
