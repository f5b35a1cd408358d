"""Proposals over HTTP: /api/v1/proposals/.

Reading is public (hidden proposals and proposals of unpublished processes are
never returned); supporting needs a session (with CSRF) or an API token.
Errors are JSON ``{"detail": ...}``: 401 without log-in, 403 when the person
may not support (blocked, not a verified resident where residence is
required), 400 when supports are closed (phase, withdrawn) or a filter is
unknown, 404 for an unknown or hidden proposal.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wegov.api.auth import session_token_or_anyone
from wegov.places.models import District
from wegov.processes.models import Process, Topic

from . import selectors, services
from .models import Proposal

router = Router(tags=["proposals"])

PER_PAGE = 20


READ_AUTH = session_token_or_anyone


class NamedOut(Schema):
    slug: str
    name: str


class PersonOut(Schema):
    id: UUID = Field(description="The person's public id (links to their profile).")
    name: str


class LocationOut(Schema):
    lat: float
    lon: float
    address: str


class AnswerOut(Schema):
    state: Literal["not_answered", "evaluating", "accepted", "rejected"]
    label: str
    text: str = Field(description="Plain text.")
    answered_at: dt.datetime | None


class ProposalOut(Schema):
    id: int
    url: str
    process: str = Field(description="The process's slug.")
    title: str
    body: str = Field(description="Plain text.")
    author: PersonOut
    topic: NamedOut | None
    district: NamedOut | None
    location: LocationOut | None
    state: Literal["published", "withdrawn"]
    answer: AnswerOut
    support_count: int
    comment_count: int
    qualified_at: dt.datetime | None
    created_at: dt.datetime
    supported: bool | None = Field(description="Whether you support it (null when anonymous).")


class ProposalDetailOut(ProposalOut):
    coauthors: list[PersonOut]
    attachments: list[dict]


class ProposalPageOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    results: list[ProposalOut]


class ProposalQuery(Schema):
    process: str | None = Field(None, max_length=80, description="A process slug.")
    order: Literal["random", "supported", "commented", "newest", "relevance"] = Field(
        "newest",
        description='"random" uses `seed` (same seed, same order across pages); '
        '"relevance" needs `q`.',
    )
    seed: int = Field(1, ge=0, le=2**31 - 1)
    topic: str | None = Field(None, max_length=80, description="A topic (category) slug.")
    district: str | None = Field(None, max_length=80, description="A district slug.")
    answer_state: Literal["not_answered", "evaluating", "accepted", "rejected"] | None = None
    withdrawn: bool = Field(False, description="Only withdrawn proposals.")
    q: str | None = Field(None, max_length=200, description="Full-text search.")
    page: int = Field(1, ge=1, le=100_000)


class SupportOut(Schema):
    supported: bool
    changed: bool = Field(description="False when nothing changed (already so).")
    support_count: int
    qualified: bool


class ErrorOut(Schema):
    detail: str | dict | list


def _named(obj) -> dict | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def _person(user) -> dict:
    return {"id": user.public_id, "name": user.public_name}


def _out(request, proposal: Proposal, supported: set[int] | None) -> dict:
    return {
        "id": proposal.pk,
        "url": request.build_absolute_uri(proposal.get_absolute_url()),
        "process": proposal.process.slug,
        "title": proposal.title,
        "body": proposal.body,
        "author": _person(proposal.author),
        "topic": _named(proposal.topic),
        "district": _named(proposal.district),
        "location": {"lat": proposal.lat, "lon": proposal.lon, "address": proposal.address}
        if proposal.has_location
        else None,
        "state": proposal.state,
        "answer": {
            "state": proposal.answer_state,
            "label": str(proposal.get_answer_state_display()),
            "text": proposal.answer_text,
            "answered_at": proposal.answered_at,
        },
        "support_count": proposal.support_count,
        "comment_count": proposal.comment_count,
        "qualified_at": proposal.qualified_at,
        "created_at": proposal.created_at,
        "supported": None if supported is None else proposal.pk in supported,
    }


def _user(request):
    user = getattr(request, "auth", None)
    return user if user is not None and user.is_authenticated else None


@router.get(
    "/",
    response={200: ProposalPageOut, 400: ErrorOut, 422: ErrorOut},
    auth=READ_AUTH,
    summary="Proposals, filtered, searched and ordered",
)
def list_proposals(request, query: Query[ProposalQuery]):
    errors = {}
    process = None
    if query.process:
        process = Process.objects.filter(slug=query.process, is_published=True).first()
        if process is None:
            errors["process"] = _("Unknown process “%(slug)s”.") % {"slug": query.process}
    if query.topic and not Topic.objects.filter(slug=query.topic).exists():
        errors["topic"] = _("Unknown category “%(slug)s”.") % {"slug": query.topic}
    if query.district and not District.objects.filter(slug=query.district).exists():
        errors["district"] = _("Unknown district “%(slug)s”.") % {"slug": query.district}
    if query.order == "relevance" and not (query.q or "").strip():
        errors["order"] = _("Order by relevance needs a search text (q).")
    if errors:
        raise ValidationError(errors)
    filters = selectors.ProposalFilters(
        topic=query.topic or "",
        district=query.district or "",
        answer_state=query.answer_state or "",
        withdrawn=query.withdrawn,
        q=query.q or "",
    )
    qs = selectors.filter_proposals(
        selectors.public_proposals(process).select_related("process"), filters
    )
    qs = selectors.order_proposals(qs, query.order, seed=query.seed)
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
    rows = list(qs[start : start + PER_PAGE])
    user = _user(request)
    supported = selectors.supported_ids(user, [p.pk for p in rows]) if user else None
    return {
        "count": count,
        "page": query.page,
        "pages": pages,
        "per_page": PER_PAGE,
        "results": [_out(request, p, supported) for p in rows],
    }


def _visible(proposal_id: int) -> Proposal:
    return get_object_or_404(selectors.public_proposals().select_related("process"), pk=proposal_id)


@router.get(
    "/{int:proposal_id}",
    response={200: ProposalDetailOut, 404: ErrorOut},
    auth=READ_AUTH,
    summary="One proposal with its co-authors and attachments",
)
def get_proposal(request, proposal_id: int):
    proposal = _visible(proposal_id)
    user = _user(request)
    supported = selectors.supported_ids(user, [proposal.pk]) if user else None
    coauthors = proposal.coauthorships.filter(accepted_at__isnull=False).select_related("user")
    return {
        **_out(request, proposal, supported),
        "coauthors": [_person(c.user) for c in coauthors],
        "attachments": [
            {
                "title": a.title,
                "url": request.build_absolute_uri(a.file.url),
                "kind": a.kind,
                "content_type": a.content_type,
                "size": a.size,
            }
            for a in proposal.attachments.all()
        ],
    }


def _support(request, proposal_id: int, *, add: bool):
    proposal = _visible(proposal_id)
    # The process with its phases, for what they allow today.
    proposal.process = selectors.process_for_proposals(proposal.process.slug) or proposal.process
    try:
        if add:
            changed = services.support_add(actor=request.auth, proposal=proposal)
        else:
            changed = services.support_remove(actor=request.auth, proposal=proposal)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Permission denied."})
    except ValidationError as exc:
        return Status(400, {"detail": " ".join(exc.messages)})
    return {
        "supported": add,
        "changed": changed,
        "support_count": proposal.support_count,
        "qualified": proposal.qualified_at is not None,
    }


@router.post(
    "/{int:proposal_id}/support",
    response={200: SupportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Support a proposal (once per person)",
)
def add_support(request, proposal_id: int):
    return _support(request, proposal_id, add=True)


@router.delete(
    "/{int:proposal_id}/support",
    response={200: SupportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Take a support back while supports are open",
)
def remove_support(request, proposal_id: int):
    return _support(request, proposal_id, add=False)
