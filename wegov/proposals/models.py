"""Citizens' proposals inside a participatory process, their supports,
co-authors and attachments (Decidim's proposals, CONSUL's proposals with
supports).

``support_count`` and ``comment_count`` are denormalised so that the list
orders by them with an index; services keep them exact (``F()`` updates under
a row lock), never a ``save()`` of the whole row.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.models import Moderated, TimeStampedModel

TITLE_MAX = 150
BODY_MAX = 5000
# The random order sorts by a key drawn at random when a proposal is written
# (see selectors.RotatedOrder): one of this many values.
SHUFFLE_KEYS = 2**31 - 1


def new_shuffle_key() -> int:
    return secrets.randbelow(SHUFFLE_KEYS)


class ProposalQuerySet(models.QuerySet):
    def visible(self):
        """Not hidden by moderation, in a published process."""
        return self.filter(is_hidden=False, process__is_published=True)


class Proposal(TimeStampedModel, Moderated):
    class State(models.TextChoices):
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class AnswerState(models.TextChoices):
        NOT_ANSWERED = "not_answered", _("Not answered")
        EVALUATING = "evaluating", _("Being evaluated")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    # Users are never deleted (erasure anonymises them): PROTECT keeps it so.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    # Plain text: escaped and shown with line breaks, never HTML.
    body = models.TextField(_("proposal"), max_length=BODY_MAX)
    topic = models.ForeignKey(
        "processes.Topic",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address or place"), max_length=250, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PUBLISHED
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    answer_state = models.CharField(
        _("answer"),
        max_length=20,
        choices=AnswerState.choices,
        default=AnswerState.NOT_ANSWERED,
        db_index=True,
    )
    # Plain text like the body.
    answer_text = models.TextField(_("answer text"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    # Set once, when the supports first reach the process's threshold.
    qualified_at = models.DateTimeField(_("qualified at"), null=True, blank=True)
    shuffle_key = models.IntegerField(
        _("place in the random order"), default=new_shuffle_key, editable=False
    )
    # Staff and moderators only (core.quality): 0..100, None until scored.
    quality_score = models.SmallIntegerField(_("quality score"), null=True, blank=True)
    quality_parts = models.JSONField(_("quality score parts"), default=list, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["process", "support_count"], name="proposals_process_supports"),
            models.Index(fields=["process", "comment_count"], name="proposals_process_comments"),
            models.Index(fields=["process", "created_at"], name="proposals_process_created"),
            models.Index(fields=["lat", "lon"], name="proposals_lat_lon"),
            # The lists show published, visible proposals: the random order and
            # the count read only this index.
            models.Index(
                fields=["process", "shuffle_key"],
                name="proposals_listed_shuffle",
                condition=Q(is_hidden=False, state="published"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(support_count__gte=0), name="proposals_support_count_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(shuffle_key__gte=0) & Q(shuffle_key__lt=SHUFFLE_KEYS),
                name="proposals_shuffle_key_range",
            ),
            models.CheckConstraint(
                condition=Q(comment_count__gte=0), name="proposals_comment_count_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(state="published", withdrawn_at__isnull=True)
                | Q(state="withdrawn", withdrawn_at__isnull=False),
                name="proposals_withdrawn_has_date",
            ),
            models.CheckConstraint(
                condition=Q(answer_state="not_answered", answered_at__isnull=True)
                | (
                    Q(answer_state__in=["evaluating", "accepted", "rejected"])
                    & Q(answered_at__isnull=False)
                ),
                name="proposals_answer_has_date",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | (Q(lat__gte=-90) & Q(lat__lte=90) & Q(lon__gte=-180) & Q(lon__lte=180)),
                name="proposals_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=~Q(title="") & LessThanOrEqual(Length("title"), TITLE_MAX),
                name="proposals_title_length",
            ),
            models.CheckConstraint(
                condition=~Q(body="") & LessThanOrEqual(Length("body"), BODY_MAX),
                name="proposals_body_length",
            ),
            models.CheckConstraint(
                condition=Q(quality_score__isnull=True)
                | (Q(quality_score__gte=0) & Q(quality_score__lte=100)),
                name="proposals_quality_score_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:detail", args=[self.process.slug, self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.state == self.State.WITHDRAWN

    @property
    def is_answered(self) -> bool:
        return self.answer_state != self.AnswerState.NOT_ANSWERED

    @property
    def is_qualified(self) -> bool:
        return self.qualified_at is not None

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    def edit_deadline(self) -> dt.datetime:
        return self.created_at + dt.timedelta(minutes=self.process.proposal_edit_minutes)

    def within_edit_time(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) <= self.edit_deadline()

    def threshold_percent(self) -> int:
        """Supports as a share of the process's threshold, 0..100."""
        threshold = self.process.support_threshold
        if not threshold:
            return 100
        return min(100, self.support_count * 100 // threshold)


class Coauthorship(models.Model):
    """An author's invitation to another participant; a co-author once accepted."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="coauthorships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_coauthorships"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-authorship")
        verbose_name_plural = _("co-authorships")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposals_coauthor_once"),
        ]

    def __str__(self):
        return f"{self.user} / {self.proposal}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class ProposalAttachment(models.Model):
    """A PDF or an image (re-encoded, metadata removed) added to a proposal."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF document")
        IMAGE = "image", _("Image")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=150)
    file = models.FileField(_("file"), upload_to="proposals/%Y/%m/", max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="proposals_attachment_allowed_type",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class Support(models.Model):
    """One participant's support for one proposal (the unique constraint is the rule)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_supports"
    )
    created_at = models.DateTimeField(_("supported at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposals_support_once"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.proposal_id}"


__all__ = ["Coauthorship", "Proposal", "ProposalAttachment", "Support"]
