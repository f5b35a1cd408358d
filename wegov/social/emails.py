"""Notification emails: one at once per notification, or a daily summary.

Each email is written in the recipient's language, as text and HTML, with a
one-click unsubscribe link (RFC 8058: ``List-Unsubscribe`` with an https URL
and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``) that turns off the
emails of that type without logging in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from wegov.accounts.models import User

from . import notification_types as nt
from . import selectors, services
from .models import EmailState, Notification


def _absolute(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.WEGOV_BASE_URL + path


def _base_context() -> dict:
    return {
        "CITY_NAME": settings.WEGOV_CITY_NAME,
        "CONTACT_EMAIL": settings.WEGOV_CONTACT_EMAIL,
        "current_site": {
            "name": settings.WEGOV_CITY_NAME,
            "domain": urlsplit(settings.WEGOV_BASE_URL).netloc,
        },
        "settings_url": _absolute(reverse("social:notification_settings")),
    }


def _unsubscribe_headers(url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe_url(user: User, type_key: str) -> str:
    token = services.unsubscribe_token(user, type_key)
    return _absolute(reverse("social:unsubscribe", args=[token]))


def _can_receive(user: User, type_key: str) -> bool:
    if not user.is_active or user.erased_at or not user.email:
        return False
    return not (user.blocked_at and type_key != nt.MODERATION)


def _open_url(notification: Notification) -> str:
    return _absolute(reverse("social:notification_open", args=[notification.pk]))


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    user = notification.recipient
    type_ = nt.get_type(notification.notification_type) or nt.TYPES[nt.OTHER]
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        item = selectors.present_notifications([notification])[0]
        context = {
            **_base_context(),
            "item": item,
            "type": type_,
            "url": _open_url(notification),
            "unsubscribe_url": (unsubscribe_url(user, type_.key) if type_.can_turn_off else ""),
        }
        subject = Truncator(" ".join(item.text.split())).chars(140)
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("social/email/notification.txt", context),
            to=[user.email],
            headers=(
                _unsubscribe_headers(context["unsubscribe_url"])
                if context["unsubscribe_url"]
                else {}
            ),
        )
        message.attach_alternative(
            render_to_string("social/email/notification.html", context), "text/html"
        )
    return message


def send_notification_email(notification_id: int) -> int:
    """Email one notification, once. Returns 1 if an email went out."""
    notification = (
        Notification.objects.select_related("recipient", "activity", "activity__actor")
        .filter(pk=notification_id, email_state=EmailState.PENDING_IMMEDIATE)
        .first()
    )
    if notification is None:
        return 0
    activity = notification.activity
    hidden = activity.is_hidden or activity.parent_hidden
    skip = not _can_receive(notification.recipient, notification.notification_type) or (
        hidden and notification.notification_type != nt.MODERATION
    )
    # Claim it: a second run of the task (a retry, a duplicate) finds nothing.
    claimed = Notification.objects.filter(
        pk=notification.pk, email_state=EmailState.PENDING_IMMEDIATE
    ).update(
        email_state=EmailState.SKIPPED if skip else EmailState.SENT,
        emailed_at=None if skip else timezone.now(),
    )
    if not claimed or skip:
        return 0
    notification_message(notification).send()
    return 1


# --- The daily summary -------------------------------------------------------------------


def digest_message(user: User, notifications: list[Notification]) -> EmailMultiAlternatives:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        items = selectors.present_notifications(notifications)
        groups = []
        for type_ in nt.TYPES.values():
            entries = [
                {"item": item, "url": _open_url(item.notification)}
                for item in items
                if item.notification.notification_type == type_.key
            ]
            if entries:
                groups.append(
                    {
                        "type": type_,
                        "entries": entries,
                        "unsubscribe_url": (
                            unsubscribe_url(user, type_.key) if type_.can_turn_off else ""
                        ),
                    }
                )
        digest_unsubscribe = unsubscribe_url(user, services.DIGEST)
        context = {
            **_base_context(),
            "groups": groups,
            "count": len(items),
            "notifications_url": _absolute(reverse("social:notifications")),
            "unsubscribe_url": digest_unsubscribe,
        }
        subject = render_to_string("social/email/digest_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("social/email/digest.txt", context),
            to=[user.email],
            headers=_unsubscribe_headers(digest_unsubscribe),
        )
        message.attach_alternative(
            render_to_string("social/email/digest.html", context), "text/html"
        )
    return message


def pending_digest_recipients() -> list[int]:
    return list(
        Notification.objects.filter(email_state=EmailState.PENDING_DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def send_digest(user_id: int) -> int:
    """Send one person their daily summary of every notification still waiting
    for it; idempotent (what was summarised is marked sent in the same
    transaction). Returns how many notifications it summarised."""
    with transaction.atomic():
        user = User.objects.filter(pk=user_id).first()
        pending = Notification.objects.select_for_update(of=("self",)).filter(
            recipient_id=user_id, email_state=EmailState.PENDING_DIGEST
        )
        rows = list(
            pending.select_related("activity", "activity__actor").order_by("created_at", "id")
        )
        if not rows:
            return 0
        chosen = selectors.preferences(user) if user else {}
        included, skipped = [], []
        for n in rows:
            activity = n.activity
            hidden = activity.is_hidden or activity.parent_hidden
            wanted = chosen.get(n.notification_type, nt.Delivery.DAILY) != nt.Delivery.OFF
            if (
                user is None
                or not _can_receive(user, n.notification_type)
                or not wanted
                or (hidden and n.notification_type != nt.MODERATION)
            ):
                skipped.append(n.pk)
            else:
                n.recipient = user
                included.append(n)
        now = timezone.now()
        if skipped:
            Notification.objects.filter(pk__in=skipped).update(email_state=EmailState.SKIPPED)
        if not included:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in included]).update(
            email_state=EmailState.SENT, emailed_at=now
        )
        message = digest_message(user, included)
    # Handed to the queued email backend (a retried Celery task) once the rows
    # are marked: a crash in between loses one summary, never sends two.
    message.send()
    return len(included)
