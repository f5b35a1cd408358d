"""The results as an open-data dataset (registered from the app's ready())."""

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.opendata import registry
from wegov.opendata.registry import ARRAY, DATE, DATETIME, INTEGER, NUMBER, STRING, TEXT, Field

from .models import Milestone, Result
from .registration import public_results

CHUNK = 500

FIELDS = (
    Field("id", INTEGER, _("Result number.")),
    Field("title", TEXT, _("Title.")),
    Field("description", TEXT, _("What will be done (plain text).")),
    Field("status", STRING, _("planned, in_progress, done or cancelled.")),
    Field("progress", INTEGER, _("Progress in percent: planned is 0, done is 100.")),
    Field("cancel_reason", TEXT, _("Why it was cancelled (cancelled results only).")),
    Field("process", STRING, _("The process's short name, if any.")),
    Field("department", STRING, _("Responsible department.")),
    Field("district", STRING, _("District code.")),
    Field("lat", NUMBER, _("Latitude (WGS84).")),
    Field("lon", NUMBER, _("Longitude (WGS84).")),
    Field("source_kind", STRING, _("What it implements: proposal, project... (empty: other).")),
    Field("source_id", INTEGER, _("The number of what it implements, in that kind's dataset.")),
    Field("starts_on", DATE, _("Start date.")),
    Field("ends_on", DATE, _("Planned end date.")),
    Field("budget_amount", INTEGER, _("Budget in whole currency units.")),
    Field("currency", STRING, _("Currency of the budget (ISO 4217).")),
    Field("milestones", ARRAY, _("The milestones: title, due_on, reached_on.")),
    Field("status_changed_at", DATETIME, _("When the status last changed (UTC).")),
    Field("created_at", DATETIME, _("When tracking started (UTC).")),
    Field("updated_at", DATETIME, _("Last change (UTC).")),
    Field("url", STRING, _("The result's page.")),
)


def rows():
    base = settings.WEGOV_BASE_URL.rstrip("/")
    results = (
        public_results(Result.objects.all())
        .select_related("process", "department", "district")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by(*Milestone._meta.ordering))
        )
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )
    for r in results:
        yield (
            r.pk,
            r.title,
            r.description,
            r.status,
            r.progress,
            r.cancel_reason,
            r.process.slug if r.process_id else "",
            r.department.name if r.department_id else "",
            r.district.slug if r.district_id else "",
            r.lat,
            r.lon,
            r.source_kind,
            r.source_id,
            r.starts_on,
            r.ends_on,
            r.budget_amount,
            r.currency,
            [
                {
                    "title": m.title,
                    "due_on": m.due_on.isoformat() if m.due_on else None,
                    "reached_on": m.reached_on.isoformat() if m.reached_on else None,
                }
                for m in r.milestones.all()
            ],
            r.status_changed_at,
            r.created_at,
            r.updated_at,
            base + reverse("accountability:detail", args=[r.pk]),
        )


DATASET = registry.register(
    registry.Dataset(
        slug="results",
        title=_("Results: what the city is carrying out"),
        description=_(
            "Every public result: the accepted proposals, funded budget projects and other "
            "commitments the city is carrying out, with status, progress, milestones, place, "
            "dates and budget. No personal data: not who entered or updated them."
        ),
        fields=FIELDS,
        rows=rows,
        keywords=("accountability", "implementation", "participatory budgeting", "results"),
        themes=("GOVE", "REGI"),
        point_fields=("lat", "lon"),
        temporal_field="created_at",
        order=40,
    )
)
