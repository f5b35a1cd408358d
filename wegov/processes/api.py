"""Participatory processes over HTTP: /api/v1/processes/ (public, read only).

Anyone may read published processes, without logging in; process managers
(by session or API token) also read drafts by their slug.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wegov.api.auth import session_token_or_anyone
from wegov.places.models import District

from . import selectors
from .models import Phase, Process, Topic

router = Router(tags=["processes"])

PER_PAGE = 20


READ_AUTH = session_token_or_anyone


class NamedOut(Schema):
    slug: str
    name: str


class PhaseOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    state: Literal["past", "active", "upcoming"]
    actions: list[str] = Field(description="What citizens may do while this phase runs.")


class ImageOut(Schema):
    url: str
    alt: str
    width: int | None
    height: int | None


class ProcessOut(Schema):
    slug: str
    title: str
    summary: str
    url: str
    scope: Literal["city", "district"]
    district: NamedOut | None
    topic: NamedOut | None
    organisation: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: Literal["active", "upcoming", "past"]
    active_phase: PhaseOut | None


class ProcessDetailOut(ProcessOut):
    is_published: bool
    description: str = Field(description="Sanitised HTML.")
    image: ImageOut | None
    phases: list[PhaseOut]
    allowed_actions: list[str] = Field(description="What citizens may do today.")
    support_threshold: int
    supports_require_residence: bool
    citizens_may_open_debates: bool
    proposal_edit_minutes: int


class ProcessPageOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    results: list[ProcessOut]


class ProcessQuery(Schema):
    status: Literal["active", "upcoming", "past"] | None = Field(
        None, description="Running now, not started yet, or finished."
    )
    district: str | None = Field(
        None, max_length=80, description='A district slug, or "city" for city-wide processes.'
    )
    topic: str | None = Field(None, max_length=80, description="A topic slug.")
    page: int = Field(1, ge=1, le=100_000)


class ErrorOut(Schema):
    detail: str | dict | list


def _named(obj) -> dict | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def _phase(phase: Phase, today: dt.date) -> dict:
    return {
        "id": phase.pk,
        "kind": phase.kind,
        "kind_label": str(phase.get_kind_display()),
        "title": str(phase.display_title),
        "description": phase.description,
        "starts_on": phase.starts_on,
        "ends_on": phase.ends_on,
        "state": phase.state(today),
        "actions": sorted(phase.actions),
    }


def _summary(request, process: Process, today: dt.date) -> dict:
    active = process.phase_on(today)
    return {
        "slug": process.slug,
        "title": process.title,
        "summary": process.summary,
        "url": request.build_absolute_uri(process.get_absolute_url()),
        "scope": process.scope,
        "district": _named(process.district),
        "topic": _named(process.topic),
        "organisation": process.organisation.name,
        "starts_on": process.starts_on,
        "ends_on": process.ends_on,
        "status": process.status(today),
        "active_phase": _phase(active, today) if active else None,
    }


@router.get(
    "/",
    response={200: ProcessPageOut, 400: ErrorOut, 422: ErrorOut},
    auth=READ_AUTH,
    summary="Published processes, running ones first",
)
def list_processes(request, query: Query[ProcessQuery]):
    errors = {}
    district = query.district or ""
    known_district = district in ("", selectors.CITY_WIDE)
    if not known_district and not District.objects.filter(slug=district).exists():
        errors["district"] = _("Unknown district “%(slug)s”.") % {"slug": district}
    if query.topic and not Topic.objects.filter(slug=query.topic).exists():
        errors["topic"] = _("Unknown topic “%(slug)s”.") % {"slug": query.topic}
    if errors:
        raise ValidationError(errors)
    filters = selectors.ProcessFilters(
        status=query.status or "", district=district, topic=query.topic or ""
    )
    today = timezone.localdate()
    qs = selectors.process_list(filters=filters, today=today)
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
    results = [_summary(request, p, today) for p in qs[start : start + PER_PAGE]]
    return {
        "count": count,
        "page": query.page,
        "pages": pages,
        "per_page": PER_PAGE,
        "results": results,
    }


@router.get(
    "/{slug}",
    response={200: ProcessDetailOut, 404: ErrorOut},
    auth=READ_AUTH,
    summary="A process with its phases, the active phase and what citizens may do today",
)
def get_process(request, slug: str):
    process = selectors.process_detail(slug, viewer=request.auth)
    today = timezone.localdate()
    image = None
    if process.hero_image:
        image = {
            "url": request.build_absolute_uri(process.hero_image.url),
            "alt": process.hero_image_alt,
            "width": process.hero_image_width,
            "height": process.hero_image_height,
        }
    return {
        **_summary(request, process, today),
        "is_published": process.is_published,
        "description": process.description,
        "image": image,
        "phases": [_phase(p, today) for p in process.phases.all()],
        "allowed_actions": selectors.allowed_actions(process, today),
        "support_threshold": process.support_threshold,
        "supports_require_residence": process.supports_require_residence,
        "citizens_may_open_debates": process.citizens_may_open_debates,
        "proposal_edit_minutes": process.proposal_edit_minutes,
    }
