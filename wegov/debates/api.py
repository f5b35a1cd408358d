"""Debates in the HTTP API: /api/v1/debates/.

Reading is public. Opening, closing (with the conclusion) and reopening need a
session (with CSRF) or an API token, and follow the same rules as the pages:
401 without log-in, 403 with the reason when the person may not (phase,
process settings, role), 400 with the fields' messages for bad input, 404 for
an unknown or unpublished process or debate.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wegov.api.auth import session_auth, token_auth
from wegov.core.numbers import object_id
from wegov.places.models import District
from wegov.processes.models import Process, Topic

from . import selectors, services
from .models import CONCLUSION_MAX, DESCRIPTION_MAX, TITLE_MAX, Debate

WRITE_AUTH = [session_auth, token_auth]

router = Router(tags=["debates"])

PAGE_SIZE = 20


class ErrorOut(Schema):
    detail: str | dict | list


class ProcessRef(Schema):
    id: int
    slug: str
    title: str


class NamedRef(Schema):
    slug: str
    name: str


class DebateOut(Schema):
    id: int
    url: str
    process: ProcessRef
    title: str
    description: str
    state: str
    opened_by: str  # the organisation for the administration's debates, else the person
    opened_by_organisation: str | None
    official: bool
    topic: NamedRef | None
    district: NamedRef | None
    comment_count: int
    created_at: dt.datetime
    closed_at: dt.datetime | None
    conclusion: str  # empty while the debate is open


class DebatePage(Schema):
    count: int
    page: int
    pages: int
    results: list[DebateOut]


class ListParams(Schema):
    process: str | None = None  # a process slug, or its numeric id
    state: Literal["open", "closed"] | None = None
    topic: str | None = None  # a topic slug
    order: Literal["newest", "most_commented"] = "newest"
    page: int = 1


def _out(debate: Debate) -> dict:
    def named(obj):
        return {"slug": obj.slug, "name": obj.name} if obj is not None else None

    process = debate.process
    return {
        "id": debate.pk,
        "url": debate.get_absolute_url(),
        "process": {"id": process.pk, "slug": process.slug, "title": process.title},
        "title": debate.title,
        "description": debate.description,
        "state": debate.state,
        "opened_by": debate.opened_by_label,
        "opened_by_organisation": (
            debate.opened_by_organisation.name if debate.is_official else None
        ),
        "official": debate.is_official,
        "topic": named(debate.topic),
        "district": named(debate.district),
        "comment_count": debate.comment_count,
        "created_at": debate.created_at,
        "closed_at": debate.closed_at,
        "conclusion": debate.conclusion if debate.is_closed else "",
    }


def _process(ref: str) -> Process:
    processes = Process.objects.published()
    process = processes.filter(slug=ref).first()
    pk = object_id(ref) if process is None else None
    if pk:
        process = processes.filter(pk=pk).first()
    if process is None:
        raise Http404
    return process


@router.get(
    "/",
    response={200: DebatePage, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Debates of published processes, newest first (20 a page)",
)
def list_debates(request, params: Query[ListParams]):
    process = _process(params.process) if params.process else None
    filters = selectors.DebateFilters(
        state=params.state or "", topic=params.topic or "", order=params.order
    )
    paginator = Paginator(selectors.debates_for(process, filters), PAGE_SIZE)
    page = paginator.get_page(params.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": [_out(debate) for debate in page.object_list],
    }


@router.get(
    "/{int:debate_id}",
    response={200: DebateOut, 404: ErrorOut},
    auth=None,
    summary="One debate, with its conclusion when it is closed",
)
def get_debate(request, debate_id: int):
    return _out(_public_debate(debate_id))


class DebateIn(Schema):
    process: str = Field(description="The process's slug (or numeric id).")
    title: str = Field(max_length=TITLE_MAX * 2)
    description: str = Field(max_length=DESCRIPTION_MAX * 2)
    topic: str | None = Field(None, description="A topic (category) slug.")
    district: str | None = Field(None, description="A district slug.")


class ConclusionIn(Schema):
    conclusion: str = Field(max_length=CONCLUSION_MAX * 2)


def _named(model, slug: str | None, field: str):
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError(
            {field: _("There is no %(field)s “%(slug)s”.") % {"field": field, "slug": slug}}
        )
    return found


def _public_debate(debate_id: int) -> Debate:
    debate = selectors.public_debates().filter(pk=debate_id).first()
    if debate is None:
        raise Http404
    return debate


def _decide(request, debate_id: int, refusal, act):
    """Close or reopen: 404 for a debate the public cannot see, 403 with the
    reason when this person may not, else the debate after ``act``."""
    debate = _public_debate(debate_id)
    reason = refusal(request.auth, debate)
    if reason:
        return Status(403, {"detail": reason})
    return _out(act(debate))


WRITE_RESPONSES = {200: DebateOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post(
    "/",
    response={201: DebateOut, **{k: v for k, v in WRITE_RESPONSES.items() if k != 200}},
    auth=WRITE_AUTH,
    summary="Open a debate in a process (the administration, or citizens where allowed)",
)
def open_debate(request, data: DebateIn):
    process = _process(data.process)
    try:
        debate = services.debate_create(
            actor=request.auth,
            process=process,
            title=data.title,
            description=data.description,
            topic=_named(Topic, data.topic, "topic"),
            district=_named(District, data.district, "district"),
        )
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Permission denied."})
    return Status(201, _out(debate))


@router.post(
    "/{int:debate_id}/close",
    response=WRITE_RESPONSES,
    auth=WRITE_AUTH,
    summary="Close a debate with its conclusion (published on its page)",
)
def close_debate(request, debate_id: int, data: ConclusionIn):
    return _decide(
        request,
        debate_id,
        services.close_refusal,
        lambda debate: services.debate_close(
            actor=request.auth, debate=debate, conclusion=data.conclusion
        ),
    )


@router.post(
    "/{int:debate_id}/reopen",
    response=WRITE_RESPONSES,
    auth=WRITE_AUTH,
    summary="Reopen a closed debate (process managers; audited)",
)
def reopen_debate(request, debate_id: int):
    return _decide(
        request,
        debate_id,
        services.reopen_refusal,
        lambda debate: services.debate_reopen(actor=request.auth, debate=debate),
    )
