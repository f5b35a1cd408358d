"""Votes on alternatives inside a participatory process.

A ``Poll`` asks one question with several ``PollOption`` answers. Its kind
decides the ballot: one choice (``single``), any number up to ``max_choices``
(``approval``), or a ranking tallied with the Schulze method (``ranked``).
Each person has at most one ``PollVote`` per poll, changeable until the poll
closes; its ``PollChoice`` rows are the options chosen (and their ranks).

When a process allows it (``VotingSettings.delegation_enabled``), a person may
delegate their vote in that process to another participant (``Delegation``,
liquid democracy): on every poll of the process where they do not vote
themselves, their weight goes to the first person up their chain who voted.

Every tally is stored as a ``PollTally``: rule, hash of the inputs, outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.models import TimeStampedModel

TITLE_MAX = 150
DESCRIPTION_MAX = 5000
OPTION_MAX = 200
OPTIONS_MIN = 2
OPTIONS_MAX = 30


class VotingSettings(models.Model):
    """The voting app's settings for one process (kept here, not in processes)."""

    process = models.OneToOneField(
        "processes.Process",
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="voting_settings",
    )
    delegation_enabled = models.BooleanField(
        _("participants may delegate their vote"),
        default=False,
        help_text=_(
            "A participant may give their vote in this process's polls to another "
            "participant, who may pass it on. A direct vote always overrides a delegation."
        ),
    )

    class Meta:
        verbose_name = _("voting settings")
        verbose_name_plural = _("voting settings")

    def __str__(self):
        return str(self.process)


class PollQuerySet(models.QuerySet):
    def visible(self):
        """What the public sees: published polls in published processes."""
        return self.filter(is_published=True, process__is_published=True)


class Poll(TimeStampedModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One choice")
        APPROVAL = "approval", _("Approval (choose several)")
        RANKED = "ranked", _("Ranking (Schulze method)")

    class Results(models.TextChoices):
        AFTER_CLOSE = "after_close", _("After the poll closes")
        LIVE = "live", _("While the poll is open")

    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="polls",
    )
    title = models.CharField(_("question"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind of ballot"), max_length=10, choices=Kind.choices)
    max_choices = models.PositiveSmallIntegerField(
        _("most options a voter may choose"),
        null=True,
        blank=True,
        help_text=_("Approval polls only. Leave empty for no limit."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    results_visibility = models.CharField(
        _("results are shown"),
        max_length=12,
        choices=Results.choices,
        default=Results.AFTER_CLOSE,
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    results_published_at = models.DateTimeField(
        _("results published"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="voting_poll_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["single", "approval", "ranked"]),
                name="voting_poll_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(kind="approval", max_choices__gte=1),
                name="voting_poll_max_choices_approval_only",
            ),
        ]
        indexes = [models.Index(fields=["process", "is_published", "-opens_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("voting:detail", args=[self.process.slug, self.pk])

    def state(self, now=None) -> str:
        """ "upcoming", "open" or "closed" by the poll's own dates."""
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        if now >= self.closes_at:
            return "closed"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.state() == "open"

    @property
    def is_closed(self) -> bool:
        return self.state() == "closed"

    @property
    def is_ranked(self) -> bool:
        return self.kind == self.Kind.RANKED


class PollOption(models.Model):
    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="options"
    )
    label = models.CharField(_("option"), max_length=OPTION_MAX)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["poll", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="voting_option_position"),
            models.UniqueConstraint(fields=["poll", "label"], name="voting_option_label"),
        ]

    def __str__(self):
        return self.label


class PollVote(TimeStampedModel):
    """One person's vote on one poll (changeable until the poll closes)."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.CASCADE,
        related_name="poll_votes",
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="voting_vote_one_per_voter"),
        ]

    def __str__(self):
        return f"{self.voter_id} → {self.poll_id}"


class PollChoice(models.Model):
    """An option on a vote; ``rank`` (1 = best, equal ranks tie) on ranked polls."""

    vote = models.ForeignKey(
        PollVote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="choices"
    )
    option = models.ForeignKey(
        PollOption, verbose_name=_("option"), on_delete=models.CASCADE, related_name="choices"
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["vote", "option"], name="voting_choice_once"),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="voting_choice_rank_positive"
            ),
        ]

    def __str__(self):
        return f"{self.option_id} ({self.rank})" if self.rank else str(self.option_id)


class DelegationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(revoked_at__isnull=True)

    def in_force_at(self, moment):
        """The delegations that stood at ``moment``: a tally of a closed poll
        uses those at its closing time, whatever changed since."""
        return self.filter(created_at__lte=moment).filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=moment)
        )


class Delegation(models.Model):
    """``delegator`` gives their vote in ``process`` to ``delegate``.

    Revoking (or changing the delegate) sets ``revoked_at``; the row stays, so
    a tally can be re-run with the delegations as they stood when a poll closed.
    """

    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        on_delete=models.CASCADE,
        related_name="delegations",
    )
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegator"),
        on_delete=models.CASCADE,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.CASCADE,
        related_name="delegations_received",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now, db_index=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "delegator"],
                condition=Q(revoked_at__isnull=True),
                name="voting_delegation_one_per_process",
            ),
            models.CheckConstraint(
                condition=~Q(delegator=F("delegate")), name="voting_delegation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="voting_delegation_revoked_after_created",
            ),
        ]
        indexes = [models.Index(fields=["process", "delegate"])]

    def __str__(self):
        return f"{self.delegator_id} → {self.delegate_id} ({self.process_id})"


class PollTally(models.Model):
    """A recorded tally: the rule, the hash of its inputs and its outcome."""

    class Rule(models.TextChoices):
        PLURALITY = "plurality", _("Most votes")
        APPROVAL = "approval", _("Most approvals")
        SCHULZE = "schulze", _("Schulze method")

    poll = models.ForeignKey(
        Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="tallies"
    )
    rule = models.CharField(_("rule"), max_length=12, choices=Rule.choices)
    input_hash = models.CharField(_("hash of the inputs"), max_length=64)
    outcome = models.JSONField(_("outcome"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]

    def __str__(self):
        return f"{self.poll_id} {self.rule} {self.input_hash[:12]}"
