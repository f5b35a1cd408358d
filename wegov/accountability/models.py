"""Implementation tracking (Decidim's "Accountability" component).

A ``Result`` is something the city committed to do: an accepted proposal, a
funded participatory-budget project, or a commitment staff enter themselves.
It points at the contribution it implements through the contribution registry
(``source_kind`` + ``source_id``, at most one result per source), has a status
and a progress percentage kept honest by database constraints, dated
milestones, photos, and a public log of every change (``ResultUpdate``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.core.models import Moderated, TimeStampedModel

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
CANCEL_REASON_MAX = 1000
NOTE_MAX = 2000
MILESTONE_TITLE_MAX = 150
ALT_MAX = 250


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Which status may follow which (the same status again: a progress change or a
# note). Going back (done -> in progress, cancelled -> planned / in progress)
# is allowed with a note saying why.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PLANNED: frozenset({Status.PLANNED, Status.IN_PROGRESS, Status.DONE, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.IN_PROGRESS, Status.DONE, Status.CANCELLED}),
    Status.DONE: frozenset({Status.DONE, Status.IN_PROGRESS}),
    Status.CANCELLED: frozenset({Status.CANCELLED, Status.PLANNED, Status.IN_PROGRESS}),
}
BACKWARDS = {
    (Status.DONE, Status.IN_PROGRESS),
    (Status.CANCELLED, Status.PLANNED),
    (Status.CANCELLED, Status.IN_PROGRESS),
}


def _progress_fits_status(prefix: str = "") -> Q:
    """planned = 0 %, done = 100 %, in progress and cancelled anywhere in 0..100."""
    status, progress = f"{prefix}status", f"{prefix}progress"
    return (
        Q(**{f"{progress}__gte": 0, f"{progress}__lte": 100})
        & (Q(**{status: Status.PLANNED, progress: 0}) | ~Q(**{status: Status.PLANNED}))
        & (Q(**{status: Status.DONE, progress: 100}) | ~Q(**{status: Status.DONE}))
    )


class ResultQuerySet(models.QuerySet):
    def visible(self):
        """Not hidden by moderation."""
        return self.filter(is_hidden=False)


class Result(TimeStampedModel, Moderated):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    # Plain text, shown with line breaks.
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    process = models.ForeignKey(
        "processes.Process",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
    )
    # The registered contribution it implements (core.registry kind and row).
    source_kind = models.CharField(_("source kind"), max_length=30, blank=True)
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    district = models.ForeignKey(
        "places.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    cancel_reason = models.TextField(
        _("why it was cancelled"), max_length=CANCEL_REASON_MAX, blank=True
    )
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    # Whole currency units, like participatory budgets.
    budget_amount = models.PositiveBigIntegerField(_("budget"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["process", "status"], name="accountability_process_status"),
            models.Index(fields=["lat", "lon"], name="accountability_lat_lon"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"],
                condition=Q(source_id__isnull=False),
                name="accountability_one_result_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source_kind="", source_id__isnull=True)
                | (~Q(source_kind="") & Q(source_id__isnull=False)),
                name="accountability_source_complete",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="accountability_status_valid"
            ),
            models.CheckConstraint(
                condition=_progress_fits_status(), name="accountability_progress_fits_status"
            ),
            models.CheckConstraint(
                condition=(Q(status=Status.CANCELLED) & ~Q(cancel_reason=""))
                | (~Q(status=Status.CANCELLED) & Q(cancel_reason="")),
                name="accountability_cancel_reason",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="accountability_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | (Q(lat__gte=-90) & Q(lat__lte=90) & Q(lon__gte=-180) & Q(lon__lte=180)),
                name="accountability_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=~Q(title="") & LessThanOrEqual(Length("title"), TITLE_MAX),
                name="accountability_title_length",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accountability:detail", args=[self.pk])

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def has_source(self) -> bool:
        return bool(self.source_kind) and self.source_id is not None

    def allowed_statuses(self) -> list[str]:
        return [s for s in Status.values if s in TRANSITIONS[self.status]]


class Milestone(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=MILESTONE_TITLE_MAX)
    description = models.TextField(_("description"), max_length=NOTE_MAX, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["result", models.F("due_on").asc(nulls_last=True), "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="accountability_milestone_title"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_reached(self) -> bool:
        return self.reached_on is not None

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.reached_on is None and self.due_on is not None and self.due_on < today


class ResultPhoto(models.Model):
    """A photo of the work, re-encoded without EXIF/GPS metadata (reports.photos)."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="results/%Y/%m/", max_length=200)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="results/%Y/%m/", max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    alt_text = models.CharField(_("description of the photo"), max_length=ALT_MAX)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="accountability_photo_alt"),
        ]

    def __str__(self):
        return self.alt_text


class ResultUpdate(models.Model):
    """One dated entry of a result's public log: the status and progress it
    moved to (from what), with the staff's note."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="updates")
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Empty for the first entry (tracking started).
    previous_status = models.CharField(
        _("previous status"), max_length=20, choices=Status.choices, blank=True
    )
    previous_progress = models.PositiveSmallIntegerField(_("previous progress"), null=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)

    class Meta:
        verbose_name = _("result update")
        verbose_name_plural = _("result updates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_progress_fits_status(), name="accountability_update_progress"
            ),
        ]

    def __str__(self):
        return f"{self.result_id}: {self.status} {self.progress}%"

    @property
    def is_start(self) -> bool:
        return not self.previous_status

    @property
    def status_changed(self) -> bool:
        return bool(self.previous_status) and self.previous_status != self.status


__all__ = ["TRANSITIONS", "Milestone", "Result", "ResultPhoto", "ResultUpdate", "Status"]
