"""Your notifications and follows (mounted at /api/v1/me/)."""

import datetime as dt
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from . import selectors, services
from .models import Notification

router = Router(tags=["notifications and follows"])

PER_PAGE = 25


class ErrorOut(Schema):
    detail: str | dict | list


class TargetOut(Schema):
    kind: str
    id: int
    title: str
    url: str


class ActorOut(Schema):
    display_name: str
    id: UUID | None


class NotificationOut(Schema):
    id: int
    verb: str
    type: str
    text: str
    unread: bool
    created_at: dt.datetime
    read_at: dt.datetime | None
    actor: ActorOut | None
    target: TargetOut | None
    open_url: str


class NotificationPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[NotificationOut]


class NotificationFilter(Schema):
    unread: bool = False
    page: int = Field(1, ge=1)


class CountOut(Schema):
    count: int


class MarkedOut(Schema):
    marked: int


class FollowIn(Schema):
    target_kind: str = Field(min_length=1, max_length=30)
    target_id: int = Field(ge=1, le=2**63 - 1)


class FollowOut(Schema):
    target_kind: str
    target_id: int
    since: dt.datetime
    target: TargetOut | None


class FollowPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[FollowOut]


class PageIn(Schema):
    page: int = Field(1, ge=1)


def _target(target) -> dict | None:
    if target is None:
        return None
    return {"kind": target.kind, "id": target.id, "title": target.title, "url": target.url}


def _notification(item) -> dict:
    n = item.notification
    actor = n.activity.actor
    return {
        "id": n.pk,
        "verb": n.activity.verb,
        "type": n.notification_type,
        "text": item.text,
        "unread": n.read_at is None,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "actor": (
            {
                "display_name": actor.public_name,
                "id": None if actor.erased_at else actor.public_id,
            }
            if actor
            else None
        ),
        "target": _target(item.target),
        "open_url": reverse("social:notification_open", args=[n.pk]),
    }


def _user(request):
    user = request.auth
    if not user.has_perm("social.read_notifications"):
        raise PermissionDenied
    return user


def _page(queryset, number):
    paginator = Paginator(queryset, PER_PAGE)
    if number > max(paginator.num_pages, 1):
        raise Http404
    return paginator, paginator.page(number)


@router.get(
    "/notifications",
    response={200: NotificationPageOut, 401: ErrorOut, 404: ErrorOut},
    summary="Your notifications, newest first",
)
def list_notifications(request, filters: Query[NotificationFilter]):
    user = _user(request)
    paginator, page = _page(
        selectors.notification_list(user, unread_only=filters.unread), filters.page
    )
    items = selectors.present_notifications(page.object_list)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [_notification(item) for item in items],
    }


@router.get(
    "/unread-count", response={200: CountOut, 401: ErrorOut}, summary="Unread notifications"
)
def unread_count(request):
    return {"count": selectors.unread_count(_user(request))}


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut, 401: ErrorOut},
    summary="Mark all your notifications as read",
)
def read_all(request):
    return {"marked": services.notifications_mark_all_read(actor=_user(request))}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: MarkedOut, 401: ErrorOut, 404: ErrorOut},
    summary="Mark one notification as read",
)
def read_one(request, notification_id: int):
    try:
        services.notification_mark_read(actor=_user(request), notification_id=notification_id)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    return {"marked": 1}


@router.get(
    "/follows",
    response={200: FollowPageOut, 401: ErrorOut, 404: ErrorOut},
    summary="What you follow, newest first",
)
def list_follows(request, params: Query[PageIn]):
    user = _user(request)
    paginator, page = _page(selectors.follows_of(user), params.page)
    rows = list(page.object_list)
    shown = {f.pk: target for f, target in selectors.present_follows(rows, public_only=False)}
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [
            {
                "target_kind": f.target_kind,
                "target_id": f.target_id,
                "since": f.created_at,
                "target": _target(shown.get(f.pk)),
            }
            for f in rows
        ],
    }


@router.post(
    "/follows",
    response={201: FollowOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Follow a contribution, process, topic, district or person",
)
def create_follow(request, payload: FollowIn):
    user = _user(request)
    if not user.has_perm("social.follow"):
        raise PermissionDenied
    follow = services.follow(
        actor=user, target_kind=payload.target_kind, target_id=payload.target_id
    )
    target = selectors.present_follows([follow])
    return Status(
        201,
        {
            "target_kind": follow.target_kind,
            "target_id": follow.target_id,
            "since": follow.created_at,
            "target": _target(target[0][1]) if target else None,
        },
    )


@router.delete(
    "/follows/{target_kind}/{target_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut},
    summary="Stop following",
)
def delete_follow(request, target_kind: str, target_id: int):
    if not services.unfollow(actor=_user(request), target_kind=target_kind, target_id=target_id):
        raise Http404
    return Status(204, None)
