"""The social layer's part of "my data" (export) and account erasure."""

from django.db import transaction

from wegov.core import personal_data

from .models import Follow, Notification, NotificationPreference


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> dict:
    return {
        "follows": [
            {"target_kind": f.target_kind, "target_id": f.target_id, "since": _iso(f.created_at)}
            for f in Follow.objects.filter(user=user).order_by("created_at", "id")
        ],
        "notification_preferences": [
            {"type": p.notification_type, "email": p.delivery}
            for p in NotificationPreference.objects.filter(user=user).order_by("notification_type")
        ],
        "notifications": [
            {
                "what": n.activity.verb,
                "target_kind": n.activity.target_kind,
                "target_id": n.activity.target_id,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
                "email": n.email_state,
            }
            for n in Notification.objects.filter(recipient=user)
            .select_related("activity")
            .order_by("created_at", "id")
        ],
        "public_profile": {
            "avatar": bool(user.avatar),
            "activity_public": user.activity_public,
        },
    }


def erase(user) -> None:
    Follow.objects.filter(user=user).delete()
    # Nobody follows a former participant.
    Follow.objects.filter(target_kind="user", target_id=user.pk).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    if user.avatar:
        name, storage = user.avatar.name, user.avatar.storage
        user.avatar = ""
        user.save(update_fields=["avatar"])
        transaction.on_commit(lambda: storage.delete(name))


personal_data.register_section(personal_data.PersonalDataSection("social", export, erase, order=60))
