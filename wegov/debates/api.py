"""Debates in the HTTP API (public reads): /api/v1/debates/."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.paginator import Paginator
from django.http import Http404
from ninja import Query, Router, Schema

from wegov.processes.models import Process

from . import selectors
from .models import Debate

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
    if process is None and ref.isdigit():
        process = processes.filter(pk=int(ref)).first()
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
    debate = selectors.public_debates().filter(pk=debate_id).first()
    if debate is None:
        raise Http404
    return _out(debate)
