"""Every write of the social layer: follows, activities and notifications,
preferences, read marks, unsubscribing and the public profile."""

from __future__ import annotations

import logging
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.accounts import rules as account_rules
from wegov.accounts.models import User
from wegov.core import registry

from . import avatars, targets
from . import notification_types as nt
from .models import Activity, EmailState, Follow, Notification, NotificationPreference

logger = logging.getLogger(__name__)

MAX_FOLLOWS = 2000
UNSUBSCRIBE_SALT = "wegov.social.unsubscribe"
# Unsubscribe token "type" that stops the daily summary: every type that goes
# into it is turned off.
DIGEST = "digest"
DROPPED_EXTRA = {"excerpt", "body", "text"}


# --- Follows --------------------------------------------------------------------------


def _check_target(kind: str, target_id) -> targets.Target:
    if not isinstance(kind, str) or not targets.is_followable_kind(kind):
        raise ValidationError(_("This cannot be followed."))
    try:
        target_id = int(target_id)
    except (TypeError, ValueError):
        raise ValidationError(_("This cannot be followed.")) from None
    target = targets.load_one(kind, target_id)
    if target is None:
        raise ValidationError(_("This does not exist or is not public."))
    return target


@transaction.atomic
def follow(*, actor: User, target_kind: str, target_id: int) -> Follow:
    """Follow a contribution, process, topic, district or person (idempotent)."""
    if not account_rules.is_participant(actor):
        raise PermissionDenied
    target = _check_target(target_kind, target_id)
    if target.kind == "user" and target.id == actor.pk:
        raise ValidationError(_("You cannot follow yourself."))
    existing = Follow.objects.filter(user=actor, target_kind=target.kind, target_id=target.id)
    found = existing.first()
    if found is not None:
        return found
    if Follow.objects.filter(user=actor).count() >= MAX_FOLLOWS:
        raise ValidationError(
            _("You follow %(count)d things already. Stop following some first.")
            % {"count": MAX_FOLLOWS}
        )
    try:
        with transaction.atomic():
            return Follow.objects.create(user=actor, target_kind=target.kind, target_id=target.id)
    except IntegrityError:
        # A second click that raced the first.
        return existing.get()


@transaction.atomic
def unfollow(*, actor: User, target_kind: str, target_id) -> bool:
    """Stop following; True when there was something to stop. Works while
    blocked and for targets that no longer exist."""
    if not account_rules.is_citizen(actor):
        raise PermissionDenied
    try:
        target_id = int(target_id)
    except (TypeError, ValueError):
        raise ValidationError(_("This cannot be followed.")) from None
    deleted, _detail = Follow.objects.filter(
        user=actor, target_kind=str(target_kind)[:30], target_id=target_id
    ).delete()
    return deleted > 0


# --- Activities and notifications (from core.activity.publish) -------------------------


def _as_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _is_hidden(kind: str, object_id: int | None) -> bool:
    if not kind or object_id is None:
        return False
    try:
        contribution = registry.get_kind(kind)
    except KeyError:
        return False
    if not targets.has_field(contribution.model, contribution.hidden_field):
        return False
    return contribution.model._default_manager.filter(
        pk=object_id, **{contribution.hidden_field: True}
    ).exists()


def _recipients(
    *,
    actor_id: int | None,
    keys: list[tuple[str, int]],
    notify: list[int],
    include_followers: bool,
    type_key: str,
) -> list[tuple[int, str | None]]:
    """``(user id, chosen delivery or None)`` of everyone to notify, in one
    query: the users named in ``notify`` plus the followers of any of ``keys``,
    without the actor and without blocked, erased or deactivated accounts
    (blocked people still get moderation notices)."""
    who = Q(pk__in=notify) if notify else Q(pk__in=[])
    if include_followers and keys:
        follows = Q()
        for kind, object_id in keys:
            follows |= Q(target_kind=kind, target_id=object_id)
        who |= Q(pk__in=Follow.objects.filter(follows).values("user_id"))
    users = User.objects.filter(who, is_active=True, erased_at__isnull=True)
    if actor_id is not None:
        users = users.exclude(pk=actor_id)
    if type_key != nt.MODERATION:
        users = users.filter(blocked_at__isnull=True)
    chosen = NotificationPreference.objects.filter(
        user=OuterRef("pk"), notification_type=type_key
    ).values("delivery")[:1]
    return list(users.annotate(delivery=Subquery(chosen)).values_list("pk", "delivery"))


def _email_state(type_key: str, delivery: str | None) -> str:
    type_ = nt.get_type(type_key) or nt.TYPES[nt.OTHER]
    if delivery is None or (delivery == nt.Delivery.OFF and not type_.can_turn_off):
        delivery = type_.default
    return {
        nt.Delivery.IMMEDIATE: EmailState.PENDING_IMMEDIATE,
        nt.Delivery.DAILY: EmailState.PENDING_DIGEST,
    }.get(delivery, EmailState.NONE)


@transaction.atomic
def activity_record(
    *,
    verb: str,
    actor_id: int | None,
    target_kind: str,
    target_id: int,
    context: dict[str, Any] | None = None,
    notify_user_ids: list[int] | tuple[int, ...] = (),
    public: bool = True,
    extra: dict[str, Any] | None = None,
) -> Activity:
    """Record a published activity and notify who should hear about it.

    Followers of the target, of the actor, of the context's process,
    district and topic and of the parent contribution are notified of public
    activities that appear in feeds; ``notify_user_ids`` always. Emails go
    out at once (a Celery task per notification) or wait for the daily digest,
    as each recipient chose for the verb's type.
    """
    context = dict(context or {})
    process_id = _as_id(context.get("process"))
    district_id = _as_id(context.get("district"))
    topic_id = _as_id(context.get("topic"))
    if process_id and (district_id is None or topic_id is None):
        from wegov.processes.models import Process

        row = Process.objects.filter(pk=process_id).values("district_id", "topic_id").first()
        if row:
            district_id = district_id or row["district_id"]
            topic_id = topic_id or row["topic_id"]
    parent_kind = str(context.get("parent_kind") or "")[:30]
    parent_id = _as_id(context.get("parent_id")) if parent_kind else None
    if parent_id is None:
        parent_kind = ""
    target_id = int(target_id)
    type_key = nt.type_of(verb)
    activity = Activity.objects.create(
        verb=verb[:50],
        actor_id=actor_id,
        target_kind=target_kind[:30],
        target_id=target_id,
        process_id=process_id,
        district_id=district_id,
        topic_id=topic_id,
        parent_kind=parent_kind,
        parent_id=parent_id,
        context=context,
        # Text excerpts are not copied: they would outlive edits, deletion
        # and the author's erasure.
        extra={k: v for k, v in (extra or {}).items() if k not in DROPPED_EXTRA},
        is_public=bool(public) and nt.in_feed(verb),
        is_hidden=_is_hidden(target_kind, target_id),
        parent_hidden=_is_hidden(parent_kind, parent_id),
    )

    keys = [(target_kind, target_id)]
    if actor_id is not None:
        keys.append(("user", actor_id))
    keys += [
        (kind, object_id)
        for kind, object_id in (
            ("process", process_id),
            ("district", district_id),
            ("topic", topic_id),
            (parent_kind, parent_id),
        )
        if kind and object_id is not None
    ]
    notify = sorted({n for n in (_as_id(u) for u in notify_user_ids) if n})
    recipients = _recipients(
        actor_id=actor_id,
        keys=keys,
        notify=notify,
        include_followers=activity.is_public,
        type_key=type_key,
    )
    if not recipients:
        return activity
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                activity=activity,
                notification_type=type_key,
                email_state=_email_state(type_key, delivery),
            )
            for user_id, delivery in recipients
        ]
    )
    immediate = [n.pk for n in notifications if n.email_state == EmailState.PENDING_IMMEDIATE]
    if immediate:
        from .tasks import send_notification_email

        def queue() -> None:
            for pk in immediate:
                send_notification_email.delay(pk)

        transaction.on_commit(queue)
    return activity


@transaction.atomic
def activity_visibility_set(*, kind: str, object_id: int, hidden: bool) -> int:
    """Moderation hid or restored a contribution: its activities (and those
    about what belongs to it, like comments on it) leave or rejoin feeds."""
    object_id = int(object_id)
    count = Activity.objects.filter(target_kind=kind, target_id=object_id).update(
        is_hidden=bool(hidden)
    )
    count += Activity.objects.filter(parent_kind=kind, parent_id=object_id).update(
        parent_hidden=bool(hidden)
    )
    return count


# --- Reading notifications -------------------------------------------------------------


def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        # Someone else's notification looks exactly like a missing one.
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences and unsubscribing -------------------------------------------------------


def _check_delivery(type_key: str, delivery: str) -> nt.NotificationType:
    type_ = nt.get_type(type_key)
    if type_ is None:
        raise ValidationError(_("Unknown kind of notification."))
    if delivery not in nt.Delivery.values:
        raise ValidationError(_("Choose at once, once a day or no emails."))
    if delivery == nt.Delivery.OFF and not type_.can_turn_off:
        raise ValidationError(
            _("%(type)s cannot be turned off.") % {"type": type_.label},
        )
    return type_


@transaction.atomic
def preferences_save(*, actor: User, choices: dict[str, str]) -> None:
    """Save the actor's email choice for each notification type given."""
    if not account_rules.is_citizen(actor):
        raise PermissionDenied
    for type_key, delivery in choices.items():
        _check_delivery(type_key, delivery)
    for type_key, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=actor, notification_type=type_key, defaults={"delivery": delivery}
        )


def unsubscribe_token(user: User, type_key: str) -> str:
    """A link token that turns emails of one type (or the digest) off for one
    person, without logging in. Signed, not encrypted: it holds the public id."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        {"u": user.public_id.hex, "t": type_key}
    )


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str):
        return None
    type_key = data.get("t")
    if type_key != DIGEST and nt.get_type(type_key) is None:
        return None
    try:
        user = User.objects.filter(public_id=data["u"], erased_at__isnull=True).first()
    except ValidationError:
        return None
    if user is None:
        return None
    return user, type_key


def types_for_token(user: User, type_key: str) -> list[nt.NotificationType]:
    """The types a token stops: one type, or every type in the daily summary."""
    from .selectors import preferences

    if type_key == DIGEST:
        chosen = preferences(user)
        return [
            t for t in nt.TYPES.values() if t.can_turn_off and chosen[t.key] == nt.Delivery.DAILY
        ]
    type_ = nt.TYPES[type_key]
    return [type_] if type_.can_turn_off else []


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, list[nt.NotificationType]] | None:
    """Turn off the emails a link token names (RFC 8058 one-click too).
    Returns the person and the types turned off; None for a bad token."""
    found = read_unsubscribe_token(token)
    if found is None:
        return None
    user, type_key = found
    stopped = types_for_token(user, type_key)
    for type_ in stopped:
        NotificationPreference.objects.update_or_create(
            user=user, notification_type=type_.key, defaults={"delivery": nt.Delivery.OFF}
        )
    if stopped:
        Notification.objects.filter(
            recipient=user,
            notification_type__in=[t.key for t in stopped],
            email_state__in=[EmailState.PENDING_DIGEST, EmailState.PENDING_IMMEDIATE],
        ).update(email_state=EmailState.SKIPPED)
    return user, stopped


# --- Public profile ------------------------------------------------------------------------


@transaction.atomic
def public_profile_save(
    *, actor: User, activity_public: bool, avatar=None, remove_avatar: bool = False
) -> User:
    """Save what the public profile shows: the avatar (re-encoded as a square
    JPEG without metadata) and whether activity and followers are public."""
    if not account_rules.is_citizen(actor):
        raise PermissionDenied
    fields = ["activity_public"]
    actor.activity_public = bool(activity_public)
    old = actor.avatar.name if actor.avatar else ""
    if avatar is not None:
        content = avatars.process_avatar(avatar)
        actor.avatar.save(content.name, content, save=False)
        fields.append("avatar")
    elif remove_avatar and old:
        actor.avatar = ""
        fields.append("avatar")
    actor.save(update_fields=fields)
    if "avatar" in fields and old:
        storage = actor.avatar.storage
        transaction.on_commit(lambda: storage.delete(old))
    return actor
