"""Debates: strategic questions discussed inside a participatory process.

A debate (Decidim's "debate", CONSUL's "debate") is opened by the
administration or, when the process allows it, by a citizen. People argue for
or against in its comments (the comments app, through the contribution
registry, with a stance on each comment). A debate ends with a written
conclusion that is published on its page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core.models import Moderated, TimeStampedModel

TITLE_MAX = 150
DESCRIPTION_MAX = 5000
CONCLUSION_MAX = 5000


class DebateQuerySet(models.QuerySet):
    def visible(self):
        """What the public sees: not hidden by moderation, in a published process."""
        return self.filter(is_hidden=False, process__is_published=True)


class Debate(TimeStampedModel, Moderated):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="debates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="debates",
    )
    # Set when staff, a process manager or an administrator opens the debate
    # for the administration: the page then says "Opened by <organisation>".
    opened_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("opened on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="debates",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    # Plain text: the templates escape it.
    description = models.TextField(_("description"))
    topic = models.ForeignKey(
        "processes.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="debates",
    )
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="debates",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Visible arguments (comments), kept by the comments app's
    # "comment.count_changed" event, so lists order by it with an index.
    comment_count = models.PositiveIntegerField(_("arguments"), default=0)

    objects = DebateQuerySet.as_manager()

    class Meta:
        verbose_name = _("debate")
        verbose_name_plural = _("debates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["open", "closed"]),
                name="debates_debate_state_valid",
            ),
            # A closed debate always has its published conclusion and date;
            # an open one has neither (reopening clears them).
            models.CheckConstraint(
                condition=(
                    (Q(state="closed", closed_at__isnull=False) & ~Q(conclusion=""))
                    | Q(state="open", closed_at__isnull=True, conclusion="")
                ),
                name="debates_debate_closed_has_conclusion",
            ),
        ]
        indexes = [
            models.Index(
                fields=["process", "is_hidden", "-created_at"], name="debates_process_newest"
            ),
            models.Index(
                fields=["process", "is_hidden", "-comment_count"],
                name="debates_process_most_commented",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("debates:detail", args=[self.process.slug, self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def is_official(self) -> bool:
        """Opened by the administration rather than by a citizen."""
        return self.opened_by_organisation_id is not None

    @property
    def opened_by_label(self) -> str:
        """Who opened it, as the public sees it."""
        if self.opened_by_organisation_id is not None:
            return self.opened_by_organisation.name
        return self.author.public_name
