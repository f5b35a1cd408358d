"""Reads shared by the pages, the template tags and the API.

Every list presents its targets in batches (``targets.load``: one query per
kind), never one query per row, and leaves out what is hidden by moderation,
deleted or not public.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString

from wegov.accounts.models import User
from wegov.core import registry

from . import notification_types as nt
from . import presenters, targets
from .models import Activity, Follow, Notification, NotificationPreference
from .targets import Target

FEED_LIMIT = 20
PROFILE_LIMIT = 20


# --- The activity feed ----------------------------------------------------------


@dataclass
class FeedItem:
    activity: Activity
    target: Target
    parent: Target | None
    html: SafeString
    # Older activities folded into this one ("Ann and 3 others commented on").
    folded: list[Activity] = field(default_factory=list)

    @property
    def created_at(self) -> dt.datetime:
        return self.activity.created_at

    @property
    def oldest(self) -> Activity:
        return self.folded[-1] if self.folded else self.activity


# Runs of these on the same contribution show as one line.
FOLDED_VERBS = {"comment.created"}


def _fold(items: list[FeedItem]) -> list[FeedItem]:
    """Fold runs of comments on one contribution into one line (copies)."""
    folded: list[FeedItem] = []
    for item in items:
        last = folded[-1] if folded else None
        if (
            last is not None
            and item.activity.verb in FOLDED_VERBS
            and item.activity.verb == last.activity.verb
            and item.parent is not None
            and last.parent is not None
            and item.parent.key == last.parent.key
        ):
            last.folded.append(item.activity)
            continue
        folded.append(replace(item, folded=[]))
    for item in folded:
        if item.folded:
            actors = {a.actor_id for a in [item.activity, *item.folded]}
            actors.discard(item.activity.actor_id)
            item.html = presenters.sentence_html(
                item.activity, item.target, item.parent, others=len(actors)
            )
    return folded


def public_activities() -> QuerySet[Activity]:
    """Activities anyone may see: public verbs on targets nobody hid."""
    return Activity.objects.filter(is_public=True, is_hidden=False, parent_hidden=False)


def followed(user) -> dict[str, set[int]]:
    """What the user follows, by kind: ``{"process": {3}, "user": {9, 12}}``."""
    result: dict[str, set[int]] = defaultdict(set)
    for kind, object_id in Follow.objects.filter(user=user).values_list("target_kind", "target_id"):
        result[kind].add(object_id)
    return result


def _following_q(follows: dict[str, set[int]]) -> Q | None:
    """Activities about anything in ``follows``: the target itself, its actor,
    its process, district or topic, or the contribution it belongs to."""
    q = Q()
    columns = {"process": "process_id", "district": "district_id", "topic": "topic_id"}
    for kind, ids in follows.items():
        q |= Q(target_kind=kind, target_id__in=ids)
        q |= Q(parent_kind=kind, parent_id__in=ids)
        if kind == "user":
            q |= Q(actor_id__in=ids)
        if kind in columns:
            q |= Q(**{f"{columns[kind]}__in": ids})
    return q or None


def present_activities(activities: list[Activity]) -> list[FeedItem]:
    """Feed items for activities whose target (and parent) can be shown publicly."""
    keys = [(a.target_kind, a.target_id) for a in activities]
    keys += [(a.parent_kind, a.parent_id) for a in activities if a.parent_kind and a.parent_id]
    found = targets.load(keys)
    items = []
    for activity in activities:
        target = found.get((activity.target_kind, activity.target_id))
        if target is None:
            continue
        parent = None
        if activity.parent_kind and activity.parent_id:
            parent = found.get((activity.parent_kind, activity.parent_id))
            if parent is None:
                continue
        items.append(
            FeedItem(activity, target, parent, presenters.sentence_html(activity, target, parent))
        )
    return items


def feed(
    viewer=None,
    *,
    limit: int = FEED_LIMIT,
    following: bool = False,
    actor=None,
    before: Activity | None = None,
) -> list[FeedItem]:
    """The newest public activity of the city (``following``: only about what
    ``viewer`` follows; ``actor``: only what that person did), newest first.

    Reads a few more rows than needed, because targets deleted or made
    private since are skipped; at most three rounds.
    """
    activities = public_activities().select_related("actor")
    if following:
        if viewer is None or not viewer.is_authenticated:
            return []
        q = _following_q(followed(viewer))
        if q is None:
            return []
        activities = activities.filter(q).exclude(actor=viewer)
    if actor is not None:
        activities = activities.filter(actor=actor)
    if before is not None:
        activities = activities.filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, id__lt=before.id)
        )
    activities = activities.order_by("-created_at", "-id")
    items: list[FeedItem] = []
    chunk = limit * 2
    offset = 0
    for _round in range(3):
        rows = list(activities[offset : offset + chunk])
        items += present_activities(rows)
        if len(_fold(list(items))) > limit or len(rows) < chunk:
            break
        offset += chunk
    return _fold(items)[:limit]


# --- Notifications ------------------------------------------------------------------


def visible_notifications(user) -> QuerySet[Notification]:
    """The user's notifications, without those about hidden content (moderation
    notices stay: they are about the hidden content)."""
    return Notification.objects.filter(recipient=user).filter(
        Q(activity__is_hidden=False, activity__parent_hidden=False)
        | Q(notification_type=nt.MODERATION)
    )


def unread_count(user) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).count()


@dataclass
class NotificationItem:
    notification: Notification
    target: Target | None
    parent: Target | None
    html: SafeString
    text: str

    @property
    def id(self) -> int:
        return self.notification.pk

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def present_notifications(notifications) -> list[NotificationItem]:
    """Notifications with their sentences; targets loaded in batches, hidden
    ones included (a moderation notice names what was hidden)."""
    notifications = list(notifications)
    keys = []
    for n in notifications:
        a = n.activity
        keys.append((a.target_kind, a.target_id))
        if a.parent_kind and a.parent_id:
            keys.append((a.parent_kind, a.parent_id))
    found = targets.load(keys, include_hidden=True, public_only=False)
    items = []
    for n in notifications:
        a = n.activity
        target = found.get((a.target_kind, a.target_id))
        parent = found.get((a.parent_kind, a.parent_id)) if a.parent_kind else None
        items.append(
            NotificationItem(
                n,
                target,
                parent,
                presenters.sentence_html(
                    a,
                    target,
                    parent,
                    personal=True,
                    target_url=reverse("social:notification_open", args=[n.pk]),
                ),
                presenters.sentence_text(a, target, parent, personal=True),
            )
        )
    return items


def notification_list(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = visible_notifications(user).select_related("activity", "activity__actor")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_target(notification: Notification) -> Target | None:
    a = notification.activity
    return targets.load_one(a.target_kind, a.target_id, include_hidden=True, public_only=False)


# --- Preferences ------------------------------------------------------------------


def preferences(user) -> dict[str, str]:
    """Every type's delivery for the user: their choice, else the default."""
    chosen = dict(
        NotificationPreference.objects.filter(user=user).values_list(
            "notification_type", "delivery"
        )
    )
    result = {}
    for key, type_ in nt.TYPES.items():
        value = chosen.get(key, type_.default)
        if not type_.can_turn_off and value == nt.Delivery.OFF:
            value = type_.default
        result[key] = value
    return result


# --- Follows -------------------------------------------------------------------------


def is_following(user, kind: str, object_id: int) -> bool:
    if not user or not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, target_kind=kind, target_id=object_id).exists()


def follows_of(user) -> QuerySet[Follow]:
    return Follow.objects.filter(user=user).order_by("-created_at", "-id")


def present_follows(follows, *, public_only: bool = True) -> list[tuple[Follow, Target]]:
    follows = list(follows)
    found = targets.load(((f.target_kind, f.target_id) for f in follows), public_only=public_only)
    return [
        (f, found[(f.target_kind, f.target_id)])
        for f in follows
        if (f.target_kind, f.target_id) in found
    ]


def followers_of(kind: str, object_id: int) -> QuerySet[User]:
    return User.objects.filter(
        follows__target_kind=kind,
        follows__target_id=object_id,
        is_active=True,
        erased_at__isnull=True,
    ).order_by("-follows__created_at")


# --- Public profiles -------------------------------------------------------------------


def profile_user(public_id) -> User | None:
    """The person behind a public profile; erased people too (shown as a
    former participant), not accounts an administrator deactivated."""
    return (
        User.objects.filter(public_id=public_id)
        .filter(Q(is_active=True) | Q(erased_at__isnull=False))
        .first()
    )


def profile_contributions(user, *, limit: int = PROFILE_LIMIT) -> list[Target]:
    """The person's visible, public contributions of every kind, newest first:
    one query per kind (and per kind comments are on)."""
    found: list[tuple[object, Target]] = []
    for kind in registry.kinds():
        rows = kind.with_relations(targets.visible_rows(kind).filter(**{kind.author_field: user}))
        dated = targets.has_field(kind.model, "created_at")
        ordered = rows.order_by("-created_at", "-pk") if dated else rows.order_by("-pk")
        rows = list(ordered[:limit])
        presented = kind.present_all(rows)
        for obj in rows:
            p = presented[obj.pk]
            if not p.public:
                continue
            when = getattr(obj, "created_at", None) if dated else None
            found.append(
                (
                    when,
                    Target(
                        kind=kind.kind,
                        id=obj.pk,
                        title=p.title,
                        url=p.url,
                        label=kind.label,
                        process_id=p.process_id,
                        author_id=p.author_id,
                    ),
                )
            )
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    found.sort(key=lambda pair: pair[0] or epoch, reverse=True)
    return [target for _when, target in found[:limit]]
