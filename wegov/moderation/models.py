"""Moderation: flags from participants, one case per flagged or moderated
contribution, and blocks of accounts with their appeals.

A contribution is named by its registry kind and id (``target_kind``,
``target_id``): every registered kind can be flagged without a foreign key to
each app. The contribution's own row carries the visible outcome
(``is_hidden``, ``hidden_reason``, ``hidden_at``); the case carries the
moderators' work.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DETAILS_MAX = 1000
PUBLIC_REASON_MAX = 300  # core.models.Moderated.hidden_reason
NOTICE_MAX = 2000
APPEAL_MAX = 2000
NOTE_MAX = 2000


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive, insulting or hateful")
    OFF_TOPIC = "off_topic", _("Off-topic")
    PERSONAL_DATA = "personal_data", _("Personal data about someone")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Something else")


class ModerationCase(models.Model):
    """Everything moderators know and decided about one contribution."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        HIDDEN = "hidden", _("Hidden")
        RESTORED = "restored", _("Restored, flags dismissed")

    target_kind = models.CharField(_("kind"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("id"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_cases",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    # Open (not dismissed) flags; denormalised for the queue's ordering.
    flag_count = models.PositiveIntegerField(_("open flags"), default=0)
    last_flagged_at = models.DateTimeField(_("last flagged"), null=True, blank=True)
    # Set when enough people flagged it to hide it until a moderator decides.
    auto_hidden_at = models.DateTimeField(_("hidden by flags at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    public_reason = models.CharField(_("public reason"), max_length=PUBLIC_REASON_MAX, blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        constraints = [
            models.UniqueConstraint(
                fields=["target_kind", "target_id"], name="moderation_case_one_per_target"
            ),
        ]
        indexes = [models.Index(fields=["state", "target_kind"])]

    def __str__(self):
        return f"{self.target_kind} #{self.target_id}"


class Flag(models.Model):
    """One participant's report that a contribution breaks the rules."""

    case = models.ForeignKey(
        ModerationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="flags"
    )
    target_kind = models.CharField(_("kind"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("id"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.CASCADE,
        related_name="moderation_flags",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=DETAILS_MAX, blank=True)
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True, db_index=True)
    # Set when a moderator restores the contribution: the flag no longer counts.
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_kind", "target_id"],
                name="moderation_flag_once_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.target_kind} #{self.target_id}: {self.reason}"


class Block(models.Model):
    """A moderator stopped an account from taking part. Kept after it is lifted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="moderation_blocks",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice = models.TextField(_("notice to the user"), max_length=NOTICE_MAX)
    created_at = models.DateTimeField(_("blocked at"), auto_now_add=True, db_index=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_note = models.TextField(_("note on lifting"), blank=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(lifted_at__isnull=True),
                name="moderation_one_active_block",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class BlockAppeal(models.Model):
    """A blocked person asks the moderators to lift their block."""

    class Decision(models.TextChoices):
        LIFTED = "lifted", _("Block lifted")
        UPHELD = "upheld", _("Block upheld")

    block = models.ForeignKey(
        Block, verbose_name=_("block"), on_delete=models.CASCADE, related_name="appeals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="moderation_appeals",
    )
    text = models.TextField(_("appeal"), max_length=APPEAL_MAX)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    response = models.TextField(_("answer to the user"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(decided_at__isnull=True),
                name="moderation_one_open_appeal",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None
