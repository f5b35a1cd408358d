from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Who did what to which object, when, with the state before and after.

    Append-only: nothing in the application updates or deletes entries, except
    the erasure of a user, which replaces their personal data inside entries
    (see ``accounts.services.user_erase``) so the log keeps the fact but not the
    person.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=80, db_index=True)
    target_type = models.CharField(_("object type"), max_length=80, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"


# What moderation stores as the public reason when enough flags hide something
# before a moderator looked at it. Stored in English (the same text whatever the
# flaggers' language) and translated when shown: the ``hidden_reason`` filter of
# ``{% load govuk %}``. A moderator's own reason is shown as written.
PENDING_REVIEW_REASON = gettext_noop("Hidden while moderators review reports about it")


def public_hidden_reason(reason: str) -> str:
    """A stored ``hidden_reason`` as the reader should see it: the automatic
    one in the active language, a moderator's own as written."""
    if reason == PENDING_REVIEW_REASON:
        return gettext(PENDING_REVIEW_REASON)
    return reason


class Moderated(models.Model):
    """Fields moderation sets on anything people can flag.

    A hidden row stays in the database (replies and audit keep their
    context) but never appears in lists, feeds, map, search, API or exports;
    its own page shows the public reason instead of the content.
    """

    is_hidden = models.BooleanField(_("hidden by moderation"), default=False, db_index=True)
    hidden_reason = models.CharField(_("public reason for hiding"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    class Meta:
        abstract = True
