"""Follows, the activity feed and notifications for the demo city.

Runs last: it reads what the other apps made (processes, proposals, debates,
comments) and writes, in bulk and with the content's own dates, the activity
those would have published, the demo citizens' follows and the notifications
following them would have brought. No email is sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager

from django.utils import timezone

from wegov.core import registry

from . import notification_types as nt
from .models import Activity, EmailState, Follow, Notification
from .targets import is_attached, visible_rows

MAX_PER_KIND = 500
NOTIFY_DAYS = 45


@contextmanager
def _own_timestamps(*models):
    """bulk_create keeping the rows' own created_at (auto_now_add off)."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if f.name == "created_at":
                saved.append((f, f.auto_now_add))
                f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now_add in saved:
            f.auto_now_add = auto_now_add


def _rows(shared_value) -> list:
    if isinstance(shared_value, dict):
        return list(shared_value.values())
    return list(shared_value or [])


def _processes():
    try:
        from wegov.processes.models import Process
    except ImportError:  # pragma: no cover - processes is always installed
        return {}
    return {p.pk: p for p in Process.objects.filter(is_published=True)}


def _activities(processes: dict, now: dt.datetime) -> list[Activity]:
    def context(process_id) -> dict:
        process = processes.get(process_id)
        if process is None:
            return {}
        return {
            "process_id": process.pk,
            "district_id": process.district_id,
            "topic_id": process.topic_id,
        }

    found: list[Activity] = []
    for process in processes.values():
        when = process.created_at
        if process.starts_on:
            start = dt.datetime.combine(process.starts_on, dt.time(9), tzinfo=dt.UTC)
            when = min(when, start)
        found.append(
            Activity(
                verb="process.published",
                actor_id=process.created_by_id,
                target_kind="process",
                target_id=process.pk,
                created_at=min(when, now),
                **context(process.pk),
            )
        )

    attached = []
    for kind in registry.kinds():
        if is_attached(kind):
            attached.append(kind)
            continue
        verb = f"{kind.kind}.created"
        if verb not in nt.VERBS:
            continue
        rows = visible_rows(kind).order_by("-pk")[:MAX_PER_KIND]
        for obj in rows:
            process_id = getattr(obj, "process_id", None)
            if process_id is not None and process_id not in processes:
                continue
            common = {
                "target_kind": kind.kind,
                "target_id": obj.pk,
                **context(process_id),
            }
            if process_id is None and getattr(obj, "district_id", None):
                common["district_id"] = obj.district_id
            created = getattr(obj, "created_at", None) or now
            anonymous = getattr(obj, "is_anonymous", False)
            found.append(
                Activity(
                    verb=verb,
                    actor_id=None if anonymous else getattr(obj, f"{kind.author_field}_id", None),
                    created_at=created,
                    **common,
                )
            )
            resolved = getattr(obj, "status", "") == "resolved" and obj.resolved_at
            if resolved and f"{kind.kind}.resolved" in nt.VERBS:
                found.append(
                    Activity(verb=f"{kind.kind}.resolved", created_at=obj.resolved_at, **common)
                )
            if getattr(obj, "answered_at", None) and f"{kind.kind}.answered" in nt.VERBS:
                found.append(
                    Activity(
                        verb=f"{kind.kind}.answered",
                        actor_id=getattr(obj, "answered_by_id", None),
                        created_at=obj.answered_at,
                        extra={"state": getattr(obj, "answer_state", "")},
                        **common,
                    )
                )
            if getattr(obj, "closed_at", None) and f"{kind.kind}.closed" in nt.VERBS:
                found.append(
                    Activity(verb=f"{kind.kind}.closed", created_at=obj.closed_at, **common)
                )

    # Comments and other kinds that live on a contribution.
    parents = {(a.target_kind, a.target_id): a.process_id for a in found}
    for kind in attached:
        verb = f"{kind.kind}.created"
        if verb not in nt.VERBS:
            continue
        rows = visible_rows(kind).order_by("-pk")[:MAX_PER_KIND]
        for obj in rows:
            key = (obj.target_kind, int(obj.target_id))
            if key not in parents or not getattr(obj, "is_visible", True):
                continue
            found.append(
                Activity(
                    verb=verb,
                    actor_id=getattr(obj, f"{kind.author_field}_id", None),
                    target_kind=kind.kind,
                    target_id=obj.pk,
                    parent_kind=key[0],
                    parent_id=key[1],
                    created_at=getattr(obj, "created_at", None) or now,
                    **context(parents[key]),
                )
            )
    for activity in found:
        activity.is_public = nt.in_feed(activity.verb)
        activity.context = {
            k: v
            for k, v in (
                ("process", activity.process_id),
                ("district", activity.district_id),
                ("topic", activity.topic_id),
                ("parent_kind", activity.parent_kind or None),
                ("parent_id", activity.parent_id),
            )
            if v is not None
        }
    return sorted(found, key=lambda a: a.created_at)


def _follows(demo, processes: dict, now: dt.datetime) -> list[Follow]:
    rng = demo.rng
    citizens = list(demo.shared.get("citizens") or [])
    districts = list(demo.shared.get("districts") or [])
    topics = _rows(demo.shared.get("topics"))
    proposals = [p for p in _rows(demo.shared.get("proposals")) if not getattr(p, "is_hidden", 0)]
    published = sorted(processes.values(), key=lambda p: p.pk)
    wanted: set[tuple[int, str, int]] = set()
    for index, citizen in enumerate(citizens):
        demo_citizen = index == 0
        for process in rng.sample(published, min(len(published), 2 if demo_citizen else 1)):
            wanted.add((citizen.pk, "process", process.pk))
        if districts and (demo_citizen or rng.random() < 0.5):
            district = next((d for d in districts if d.slug == "binnenstad"), districts[0])
            wanted.add(
                (citizen.pk, "district", (district if demo_citizen else rng.choice(districts)).pk)
            )
        if topics and (demo_citizen or rng.random() < 0.4):
            wanted.add((citizen.pk, "topic", rng.choice(topics).pk))
        for proposal in rng.sample(proposals, min(len(proposals), 3 if demo_citizen else 1)):
            if getattr(proposal, "author_id", None) != citizen.pk:
                wanted.add((citizen.pk, "proposal", proposal.pk))
        others = [c for c in citizens if c.pk != citizen.pk]
        for other in rng.sample(others, min(len(others), 2 if demo_citizen else rng.randint(0, 2))):
            wanted.add((citizen.pk, "user", other.pk))
    return [
        Follow(
            user_id=user_id,
            target_kind=kind,
            target_id=target_id,
            created_at=now - dt.timedelta(days=rng.randint(NOTIFY_DAYS + 1, NOTIFY_DAYS + 120)),
        )
        for user_id, kind, target_id in sorted(wanted)
    ]


def _notifications(demo, activities, follows, now) -> list[Notification]:
    rng = demo.rng
    followers: dict[tuple[str, int], set[int]] = defaultdict(set)
    for f in follows:
        followers[(f.target_kind, f.target_id)].add(f.user_id)
    since = now - dt.timedelta(days=NOTIFY_DAYS)
    found = []
    for activity in activities:
        if not activity.is_public or activity.created_at < since:
            continue
        keys = [
            (activity.target_kind, activity.target_id),
            ("user", activity.actor_id),
            ("process", activity.process_id),
            ("district", activity.district_id),
            ("topic", activity.topic_id),
            (activity.parent_kind, activity.parent_id),
        ]
        recipients = set().union(*(followers.get(key, set()) for key in keys))
        recipients.discard(activity.actor_id)
        type_key = nt.type_of(activity.verb)
        for user_id in sorted(recipients):
            old = activity.created_at < now - dt.timedelta(days=3)
            found.append(
                Notification(
                    recipient_id=user_id,
                    activity=activity,
                    notification_type=type_key,
                    created_at=activity.created_at,
                    read_at=(
                        activity.created_at + dt.timedelta(hours=rng.randint(1, 48))
                        if old and rng.random() < 0.8
                        else None
                    ),
                    email_state=EmailState.SENT if old else EmailState.NONE,
                )
            )
    return found


def load(demo) -> None:
    if not demo.shared.get("citizens"):
        return
    # Areas of interest need the residents, who exist only after accounts'
    # demo (places' own demo runs before it).
    from wegov.places.demo import load_areas_of_interest

    load_areas_of_interest(demo)
    now = timezone.now()
    processes = _processes()
    with _own_timestamps(Activity, Follow, Notification):
        activities = Activity.objects.bulk_create(_activities(processes, now), batch_size=500)
        follows = Follow.objects.bulk_create(
            _follows(demo, processes, now), batch_size=500, ignore_conflicts=True
        )
        notifications = Notification.objects.bulk_create(
            _notifications(demo, activities, follows, now), batch_size=500
        )
    demo.say(
        f"  {len(activities)} activities, {len(follows)} follows, "
        f"{len(notifications)} notifications"
    )
