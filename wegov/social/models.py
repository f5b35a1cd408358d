"""Follows, the activity feed, notifications and how people want to hear.

Targets are named by ``(target_kind, target_id)``: a contribution kind of the
registry ("proposal", "debate", "report", "comment"...) or one of
``social.targets.EXTRA_KINDS`` ("process", "topic", "district", "user").
There are no foreign keys to them, so that any app can be followed and a
deleted target simply drops out of lists.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .notification_types import TYPES, Delivery


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target_kind = models.CharField(_("kind of target"), max_length=30)
    target_id = models.PositiveBigIntegerField(_("target"))
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "target_kind", "target_id"], name="social_follow_unique"
            )
        ]
        indexes = [models.Index(fields=["target_kind", "target_id"])]

    def __str__(self):
        return f"{self.user_id} → {self.target_kind} {self.target_id}"


class Activity(models.Model):
    """Something that happened, once; the feed and notifications point here."""

    verb = models.CharField(_("what happened"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_kind = models.CharField(max_length=30)
    target_id = models.PositiveBigIntegerField()
    # From the publish() context, in columns so feeds filter with indexes.
    process_id = models.PositiveBigIntegerField(null=True, blank=True)
    district_id = models.PositiveBigIntegerField(null=True, blank=True)
    topic_id = models.PositiveBigIntegerField(null=True, blank=True)
    parent_kind = models.CharField(max_length=30, blank=True)
    parent_id = models.PositiveBigIntegerField(null=True, blank=True)
    context = models.JSONField(default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # Shown in public feeds at all (publish(public=...) and the verb allow it).
    is_public = models.BooleanField(default=True)
    # Moderation hid the target, or the contribution it belongs to.
    is_hidden = models.BooleanField(default=False)
    parent_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_kind", "target_id"]),
            models.Index(fields=["parent_kind", "parent_id"]),
            models.Index(
                fields=["-created_at", "-id"],
                name="social_activity_public_feed",
                condition=Q(is_public=True, is_hidden=False, parent_hidden=False),
            ),
            models.Index(fields=["actor", "-created_at"]),
            models.Index(fields=["process_id", "-created_at"]),
            models.Index(fields=["district_id", "-created_at"]),
            models.Index(fields=["topic_id", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.verb} {self.target_kind} {self.target_id}"


class EmailState(models.TextChoices):
    NONE = "none", _("no email")
    PENDING_IMMEDIATE = "immediate", _("to send at once")
    PENDING_DIGEST = "digest", _("waiting for the daily summary")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("not sent")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="notifications")
    # Denormalised from the verb: preferences and digests group by it.
    notification_type = models.CharField(max_length=30)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.NONE
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "activity"], name="social_notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"]),
            models.Index(
                fields=["recipient"],
                name="social_notification_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["recipient", "created_at"],
                name="social_notification_digest",
                condition=Q(email_state="digest"),
            ),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.activity}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    notification_type = models.CharField(
        _("type"), max_length=30, choices=[(t.key, t.label) for t in TYPES.values()]
    )
    delivery = models.CharField(_("email"), max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "notification_type"], name="social_preference_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.notification_type}: {self.delivery}"
