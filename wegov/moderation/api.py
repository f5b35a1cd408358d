"""Moderation over HTTP: /api/v1/moderation/.

- ``POST flags``: anyone signed in (session with CSRF, or an API token) reports
  a contribution or comment, as with the "Report this" link. 403 with the
  reason when they may not (their own, already reported, blocked), 400 for a
  reason that is not one of the list, 404 for an unknown target.
- ``GET cases``, ``POST cases/{kind}/{id}/hide`` and ``.../restore``: the
  moderators' queue and decisions, for moderators and administrators only
  (403 otherwise). Every decision is audited like on the pages.

The content of hidden contributions is never returned here (only its kind,
id, title as registered and the public reason), as on the queue page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Literal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status

from wegov.accounts.rules import is_moderator
from wegov.api.auth import session_auth, token_auth

from . import selectors, services
from .models import DETAILS_MAX, NOTE_MAX, PUBLIC_REASON_MAX, Reason

router = Router(tags=["moderation"], auth=[session_auth, token_auth])


class ErrorOut(Schema):
    detail: str | dict | list


class FlagIn(Schema):
    kind: str = Field(max_length=40, description="A registered kind: proposal, debate, comment…")
    id: int
    reason: Literal[tuple(Reason.values)] = Field(  # type: ignore[valid-type]
        description="spam, offensive, off_topic, personal_data, illegal or other"
    )
    details: str = Field("", max_length=DETAILS_MAX * 2, description="Needed for 'other'.")


class FlagOut(Schema):
    kind: str
    id: int
    hidden: bool = Field(description="Whether this report hid it until a moderator decides.")


class ReasonCount(Schema):
    reason: str
    count: int


class CaseOut(Schema):
    kind: str
    id: int
    title: str
    url: str
    state: str
    hidden: bool
    open_flags: int
    reasons: list[ReasonCount]
    last_flagged_at: dt.datetime | None
    hidden_by_flags_at: dt.datetime | None
    decided_at: dt.datetime | None
    public_reason: str


class CasePage(Schema):
    count: int
    page: int
    pages: int
    results: list[CaseOut]


class CaseQuery(Schema):
    state: Literal["open", "pending", "hidden", "restored", "all"] = "open"
    kind: str = Field("", max_length=40)
    page: int = Field(1, ge=1)


class HideIn(Schema):
    public_reason: str = Field(max_length=PUBLIC_REASON_MAX * 2)
    internal_note: str = Field("", max_length=NOTE_MAX * 2)


class RestoreIn(Schema):
    note: str = Field("", max_length=NOTE_MAX * 2)


def _require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied


def _case_out(row: selectors.CaseRow) -> dict:
    case = row.case
    counts = Counter(item.reason for item in row.open_flags)
    presentation = row.presentation
    return {
        "kind": case.target_kind,
        "id": case.target_id,
        "title": presentation.title if presentation else "",
        "url": presentation.url if presentation else "",
        "state": case.state,
        "hidden": row.target_hidden,
        "open_flags": case.flag_count,
        "reasons": [{"reason": value, "count": counts[value]} for value in counts],
        "last_flagged_at": case.last_flagged_at,
        "hidden_by_flags_at": case.auto_hidden_at,
        "decided_at": case.decided_at,
        "public_reason": case.public_reason,
    }


def _one_case(kind_name: str, object_id: int) -> dict:
    kind, obj = services.resolve(kind_name, object_id)
    return _case_out(selectors.case_detail(kind, obj))


@router.post(
    "/flags",
    response={201: FlagOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Report a contribution or comment to the moderators",
)
def create_flag(request, data: FlagIn):
    kind, obj = services.resolve(data.kind, data.id)
    refusal = services.flag_refusal(request.auth, kind, obj)
    if refusal:
        return Status(403, {"detail": refusal})
    flag = services.flag(
        user=request.auth, kind=data.kind, object_id=data.id, reason=data.reason,
        details=data.details,
    )  # fmt: skip
    return Status(201, {"kind": kind.kind, "id": obj.pk, "hidden": flag.hid_target})


@router.get(
    "/cases",
    response={200: CasePage, 401: ErrorOut, 403: ErrorOut},
    summary="The moderation queue (moderators): waiting first, then hidden",
)
def list_cases(request, query: Query[CaseQuery]):
    _require_moderator(request.auth)
    page, rows = selectors.queue(kind=query.kind, state=query.state, page_number=query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [_case_out(row) for row in rows],
    }


@router.post(
    "/cases/{kind}/{int:object_id}/hide",
    response={200: CaseOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Hide a contribution with a reason the public sees in its place",
)
def hide(request, kind: str, object_id: int, data: HideIn):
    _require_moderator(request.auth)
    services.hide(
        moderator=request.auth, kind=kind, object_id=object_id,
        public_reason=data.public_reason, internal_note=data.internal_note,
    )  # fmt: skip
    return _one_case(kind, object_id)


@router.post(
    "/cases/{kind}/{int:object_id}/restore",
    response={200: CaseOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Show a contribution again and dismiss its flags",
)
def restore(request, kind: str, object_id: int, data: RestoreIn):
    _require_moderator(request.auth)
    services.unhide(moderator=request.auth, kind=kind, object_id=object_id, note=data.note)
    return _one_case(kind, object_id)
