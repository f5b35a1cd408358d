"""Participatory budgets: a budget, its projects, the ballots cast on them and
the tallies run over those ballots.

A budget belongs to a process (or stands alone, e.g. one imported from a
Pabulib file) and optionally to one district. Citizens submit projects; staff
evaluate them (feasible or not, with a corrected cost); feasible projects go on
the ballot; citizens vote during the budget's voting window; a tally rule
(greedy by votes or the Method of Equal Shares) picks the funded projects and
is stored as a ``TallyRecord`` with the input hash, so anyone can re-run it.
Once the vote has closed, ballots are separated from their voters
(``Ballot.voter`` set to null); the random receipt code stays, so a voter can
check their ballot was counted.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.models import Moderated, TimeStampedModel

# Receipt codes: 12 characters from an alphabet without look-alikes
# (no 0/O, 1/I/L), shown as three groups of four.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 12


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose any projects you support")
    KNAPSACK = "knapsack", _("Knapsack: choose projects up to the budget")
    CUMULATIVE = "cumulative", _("Cumulative: distribute points")
    RANKED = "ranked", _("Ranked: order projects by preference")


class TallyRule(models.TextChoices):
    GREEDY = "greedy", _("Greedy by votes")
    MES = "mes", _("Method of Equal Shares")


class BudgetPhase(models.TextChoices):
    """Where a budget stands, derived from its dates and flags (not stored)."""

    DRAFT = "draft", _("Not published")
    PREPARATION = "preparation", _("Projects are being collected and evaluated")
    VOTING = "voting", _("Voting is open")
    COUNTING = "counting", _("Voting has closed; results to follow")
    RESULTS = "results", _("Results published")


class BudgetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Budget(TimeStampedModel):
    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budgets",
    )
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budgets",
        help_text=_("Leave empty for a city-wide budget."),
    )
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    amount = models.PositiveBigIntegerField(_("amount to distribute"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    ballot_type = models.CharField(
        _("ballot type"), max_length=12, choices=BallotType.choices, default=BallotType.APPROVAL
    )
    min_choices = models.PositiveIntegerField(_("fewest projects a ballot must choose"), default=1)
    max_choices = models.PositiveIntegerField(
        _("most projects a ballot may choose"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    points_total = models.PositiveIntegerField(
        _("points each voter distributes"),
        null=True,
        blank=True,
        help_text=_("Cumulative ballots only."),
    )
    rule = models.CharField(
        _("tally rule"), max_length=10, choices=TallyRule.choices, default=TallyRule.MES
    )
    voting_opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    ballots_anonymised_at = models.DateTimeField(
        _("ballots separated from voters"), null=True, blank=True, editable=False
    )
    results_published_at = models.DateTimeField(
        _("results published"), null=True, blank=True, editable=False
    )
    # The META section of an imported Pabulib file, kept as read, so an
    # export writes back what came in (plus the rule, hash and outcome).
    pb_meta = models.JSONField(_("Pabulib metadata"), default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        ordering = ["-voting_closes_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="budgeting_budget_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(ballot_type__in=BallotType.values), name="budgeting_budget_ballot_type"
            ),
            models.CheckConstraint(
                condition=Q(rule__in=TallyRule.values), name="budgeting_budget_rule"
            ),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=F("min_choices")),
                name="budgeting_budget_choices_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gt=0),
                name="budgeting_budget_max_choices_positive",
            ),
            models.CheckConstraint(
                condition=~Q(ballot_type="cumulative")
                | Q(points_total__isnull=False, points_total__gt=0),
                name="budgeting_budget_cumulative_has_points",
            ),
            models.CheckConstraint(
                condition=Q(voting_opens_at__isnull=True)
                | Q(voting_closes_at__isnull=True)
                | Q(voting_opens_at__lt=F("voting_closes_at")),
                name="budgeting_budget_window_ordered",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "voting_closes_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("budgeting:detail", args=[self.slug])

    def phase(self, now=None) -> str:
        """A ``BudgetPhase`` value for the moment ``now`` (default: now)."""
        if not self.is_published:
            return BudgetPhase.DRAFT
        if self.results_published_at is not None:
            return BudgetPhase.RESULTS
        now = now or timezone.now()
        if self.voting_opens_at is None or now < self.voting_opens_at:
            return BudgetPhase.PREPARATION
        if self.voting_closes_at is None or now < self.voting_closes_at:
            return BudgetPhase.VOTING
        return BudgetPhase.COUNTING

    def phase_label(self) -> str:
        return BudgetPhase(self.phase()).label

    def voting_is_open(self, now=None) -> bool:
        return self.phase(now) == BudgetPhase.VOTING

    def voting_has_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return self.voting_closes_at is not None and now >= self.voting_closes_at


class BudgetProjectQuerySet(models.QuerySet):
    def on_ballot(self):
        return self.filter(status=BudgetProject.Status.FEASIBLE, is_hidden=False)

    def public(self):
        """What the public sees of a published budget: every project not
        withdrawn and not hidden by moderation (unfeasible ones too, with
        the reason: people want to know why their idea is not on the ballot)."""
        return self.filter(is_hidden=False).exclude(status=BudgetProject.Status.WITHDRAWN)


class BudgetProject(TimeStampedModel, Moderated):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting evaluation")
        FEASIBLE = "feasible", _("Feasible: on the ballot")
        UNFEASIBLE = "unfeasible", _("Not feasible")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_projects",
    )
    topic = models.ForeignKey(
        "processes.Topic",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_projects",
    )
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost"))
    final_cost = models.PositiveBigIntegerField(
        _("cost after evaluation"),
        null=True,
        blank=True,
        help_text=_("The cost as corrected by the technical evaluation."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    unfeasible_reason = models.TextField(_("why it is not feasible"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_projects",
    )
    # The project's id in the Pabulib file it came from (imports), and the
    # file's other PROJECTS columns (category, target, ...) as read.
    pb_project_id = models.CharField(_("Pabulib project id"), max_length=64, blank=True)
    pb_fields = models.JSONField(_("Pabulib project fields"), default=dict, blank=True)
    is_funded = models.BooleanField(_("funded"), default=False)

    objects = BudgetProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget project")
        verbose_name_plural = _("budget projects")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["budget", "status"], name="budgeting_project_status"),
            models.Index(fields=["lat", "lon"], name="budgeting_project_lat_lon"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gt=0), name="budgeting_project_cost_positive"
            ),
            models.CheckConstraint(
                condition=Q(final_cost__isnull=True) | Q(final_cost__gt=0),
                name="budgeting_project_final_cost_positive",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "feasible", "unfeasible", "withdrawn"]),
                name="budgeting_project_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="unfeasible") | ~Q(unfeasible_reason=""),
                name="budgeting_project_unfeasible_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(is_funded=False) | Q(status="feasible"),
                name="budgeting_project_funded_is_feasible",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | (Q(lat__gte=-90) & Q(lat__lte=90) & Q(lon__gte=-180) & Q(lon__lte=180)),
                name="budgeting_project_coordinates_valid",
            ),
            models.UniqueConstraint(
                fields=["budget", "pb_project_id"],
                condition=~Q(pb_project_id=""),
                name="budgeting_project_unique_pb_id",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("budgeting:project_detail", args=[self.budget.slug, self.pk])

    @property
    def cost(self) -> int:
        return self.final_cost if self.final_cost is not None else self.estimated_cost

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def external_id(self) -> str:
        """The id this project has in Pabulib files and tally outcomes."""
        return self.pb_project_id or str(self.pk)


class Ballot(models.Model):
    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="ballots"
    )
    # Null once the ballots are anonymised (after the vote closes), and for
    # imported ballots.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_ballots",
    )
    receipt_code = models.CharField(
        _("receipt code"), max_length=RECEIPT_LENGTH, unique=True, default=new_receipt_code
    )
    pb_voter_id = models.CharField(_("Pabulib voter id"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "voter"],
                condition=Q(voter__isnull=False),
                name="budgeting_ballot_one_per_voter",
            ),
            models.UniqueConstraint(
                fields=["budget", "pb_voter_id"],
                condition=~Q(pb_voter_id=""),
                name="budgeting_ballot_unique_pb_voter",
            ),
            models.CheckConstraint(
                condition=Q(updated_at__gte=F("submitted_at")),
                name="budgeting_ballot_updated_after_submitted",
            ),
        ]

    def __str__(self):
        return f"{self.budget} {self.receipt_code}"

    @property
    def external_id(self) -> str:
        """The voter id in Pabulib files: the file's own, or the ballot's pk."""
        return self.pb_voter_id or str(self.pk)


class BallotChoice(models.Model):
    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="choices"
    )
    project = models.ForeignKey(
        BudgetProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="choices"
    )
    # Ranked ballots: 1 = most preferred. Cumulative ballots: points given.
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    points = models.PositiveIntegerField(_("points"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        ordering = ["ballot", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "project"], name="budgeting_choice_one_per_project"
            ),
            models.UniqueConstraint(
                fields=["ballot", "rank"],
                condition=Q(rank__isnull=False),
                name="budgeting_choice_unique_rank",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1),
                name="budgeting_choice_rank_positive",
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=1),
                name="budgeting_choice_points_positive",
            ),
        ]

    def __str__(self):
        return f"{self.ballot_id} → {self.project_id}"


class TallyRecord(models.Model):
    """One run of a tally rule over a budget's ballots, kept for
    reproducibility: the rule, its options and the inputs' hash; running the
    same rule on the same inputs gives the same ``selected``."""

    budget = models.ForeignKey(
        Budget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="tallies"
    )
    rule = models.CharField(_("rule"), max_length=10, choices=TallyRule.choices)
    options = models.JSONField(_("options"), default=dict, blank=True)
    input_hash = models.CharField(_("input hash"), max_length=128)
    # Project ids as in the tally (``BudgetProject.external_id``), in the
    # order the rule selected them.
    selected = models.JSONField(_("selected projects"), default=list)
    # Per project id: {"reason", "votes", "score", "round", "detail", "cost"}.
    outcome = models.JSONField(_("outcome per project"), default=dict)
    voter_count = models.PositiveIntegerField(_("ballots counted"), default=0)
    satisfied_share = models.FloatField(
        _("share of voters with a funded project they supported"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["budget"],
                condition=Q(published=True),
                name="budgeting_tally_one_published",
            ),
            models.CheckConstraint(
                condition=Q(rule__in=TallyRule.values), name="budgeting_tally_rule"
            ),
            models.CheckConstraint(
                condition=Q(satisfied_share__isnull=True)
                | (Q(satisfied_share__gte=0) & Q(satisfied_share__lte=1)),
                name="budgeting_tally_share_range",
            ),
        ]

    def __str__(self):
        return f"{self.budget} {self.rule} {self.input_hash[:12]}"
