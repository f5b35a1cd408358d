"""Participatory processes and their phases.

A process (Decidim's "participatory process", CONSUL's "legislation process")
is where the administration invites citizens to co-create one policy. Its
phases have dates; the phase active today decides what citizens can do
(``PHASE_ACTIONS``). Proposals and debates live in their own apps and point
here.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.models import TimeStampedModel


class Topic(TimeStampedModel):
    """A policy area (mobility, green spaces, ...): a process's topic and a
    proposal's category. Followable."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Action(models.TextChoices):
    """What a citizen may do in a process; phases grant these."""

    PROPOSE = "propose", _("submit proposals")
    SUPPORT = "support", _("support proposals")
    COMMENT = "comment", _("comment")
    DEBATE = "debate", _("open debates")
    VOTE = "vote", _("vote")


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    PROPOSALS = "proposals", _("Proposals")
    DEBATE = "debate", _("Debate")
    EVALUATION = "evaluation", _("Evaluation")
    VOTING = "voting", _("Voting")
    IMPLEMENTATION = "implementation", _("Implementation")


# What each kind of phase opens to citizens. Official answers and moderation
# are not phase-bound: the administration answers in any phase.
PHASE_ACTIONS: dict[str, frozenset[str]] = {
    PhaseKind.INFORMATION: frozenset({Action.COMMENT}),
    PhaseKind.PROPOSALS: frozenset({Action.PROPOSE, Action.SUPPORT, Action.COMMENT}),
    PhaseKind.DEBATE: frozenset({Action.DEBATE, Action.COMMENT, Action.SUPPORT}),
    PhaseKind.EVALUATION: frozenset(),
    PhaseKind.VOTING: frozenset({Action.VOTE, Action.COMMENT}),
    PhaseKind.IMPLEMENTATION: frozenset({Action.COMMENT}),
}


class ProcessQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def active(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today)

    def upcoming(self, today: datetime.date | None = None):
        return self.filter(starts_on__gt=today or timezone.localdate())

    def past(self, today: datetime.date | None = None):
        return self.filter(ends_on__lt=today or timezone.localdate())


class Process(TimeStampedModel):
    class Scope(models.TextChoices):
        CITY = "city", _("Whole city")
        DISTRICT = "district", _("One district")

    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=150)
    summary = models.CharField(_("summary"), max_length=300)
    # Sanitised with core.sanitize before saving (services.process_save).
    description = models.TextField(_("description"))
    hero_image = models.ImageField(_("hero image"), upload_to="processes/", blank=True)
    hero_image_alt = models.CharField(_("hero image description"), max_length=200, blank=True)
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.CITY)
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="processes",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="processes",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="processes",
        help_text=_("Its staff answer the proposals and are told when one qualifies."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    # When it was first published: "process.published" is announced once.
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    # Denormalised from the phases by services.phases_save, so that lists
    # filter active / upcoming / past with one indexed query.
    starts_on = models.DateField(_("starts on"), null=True, blank=True, editable=False)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, editable=False)
    support_threshold = models.PositiveIntegerField(
        _("supports needed to qualify"),
        default=100,
        help_text=_("A proposal with this many supports qualifies for an answer."),
    )
    supports_require_residence = models.BooleanField(
        _("only verified residents may support"), default=False
    )
    citizens_may_open_debates = models.BooleanField(_("citizens may open debates"), default=False)
    proposal_edit_minutes = models.PositiveIntegerField(
        _("minutes an author may edit a proposal"), default=60 * 24
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("participatory process")
        verbose_name_plural = _("participatory processes")
        ordering = ["-starts_on", "title"]
        permissions = [("manage_processes", "Can create and manage participatory processes")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="city", district__isnull=True)
                | Q(scope="district", district__isnull=False),
                name="processes_process_scope_district",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "starts_on", "ends_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("processes:detail", args=[self.slug])

    def phase_on(self, day: datetime.date | None = None) -> Phase | None:
        """The phase whose dates include ``day`` (today by default).

        Uses prefetched ``phases`` when present, so list pages do not query
        once per process.
        """
        day = day or timezone.localdate()
        for phase in self.phases.all():
            if phase.starts_on <= day <= phase.ends_on:
                return phase
        return None

    @property
    def active_phase(self) -> Phase | None:
        return self.phase_on()

    def allows(self, action: str, day: datetime.date | None = None) -> bool:
        """Whether citizens may do ``action`` (an ``Action``) today."""
        if not self.is_published:
            return False
        phase = self.phase_on(day)
        return phase is not None and action in PHASE_ACTIONS[phase.kind]

    def status(self, day: datetime.date | None = None) -> str:
        day = day or timezone.localdate()
        if self.starts_on is None or day < self.starts_on:
            return "upcoming"
        if self.ends_on is not None and day > self.ends_on:
            return "past"
        return "active"


class Phase(models.Model):
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PhaseKind.choices)
    title = models.CharField(
        _("title"), max_length=100, blank=True, help_text=_("Leave empty to use the kind's name.")
    )
    description = models.TextField(_("what happens in this phase"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # The day "process.phase_started" was published for this phase (tasks.
    # announce_phase_starts); a phase moved to a later start is announced again.
    announced_on = models.DateField(_("start announced on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "position", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="processes_phase_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["process", "position"], name="processes_phase_unique_position"
            ),
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or str(self.get_kind_display())

    @property
    def actions(self) -> frozenset[str]:
        return PHASE_ACTIONS[self.kind]

    def state(self, day: datetime.date | None = None) -> str:
        """ "past", "active" or "upcoming" on ``day`` (today by default)."""
        day = day or timezone.localdate()
        if day < self.starts_on:
            return "upcoming"
        if day > self.ends_on:
            return "past"
        return "active"
