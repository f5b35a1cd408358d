"""The open-data dataset of budget projects (registered from ``apps.ready``).

One row per project the public sees (of published budgets; withdrawn and
hidden ones left out), with the count's figures once results are published.
No personal data: authors are not named, and ballots are not here (each
budget's anonymous ballots are in its results' Pabulib file).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.opendata.registry import (
    BOOLEAN,
    DATETIME,
    INTEGER,
    NUMBER,
    STRING,
    TEXT,
    Dataset,
    Field,
    register,
)

from .models import BudgetProject, TallyRecord

CHUNK = 2000

FIELDS = (
    Field("id", INTEGER, _("Project number, as in its address.")),
    Field("budget", STRING, _("The budget's short name.")),
    Field("budget_title", TEXT, _("The budget's title.")),
    Field("currency", STRING, _("Currency of the costs (ISO 4217).")),
    Field("pabulib_id", STRING, _("The project's id in the budget's Pabulib file.")),
    Field("title", TEXT, _("Title.")),
    Field("description", TEXT, _("Description (plain text).")),
    Field("category", STRING, _("Category (topic) code.")),
    Field("district", STRING, _("District code.")),
    Field("estimated_cost", INTEGER, _("Cost estimated when submitted.")),
    Field("cost", INTEGER, _("Cost after the technical evaluation.")),
    Field("status", STRING, _("submitted, feasible or unfeasible.")),
    Field("unfeasible_reason", TEXT, _("Why the evaluation found it not feasible.")),
    Field("votes", INTEGER, _("Ballots that chose it (empty until results are published).")),
    Field(
        "funded",
        BOOLEAN,
        _("Funded by the published results (empty until then; false when not on the ballot)."),
    ),
    Field("selection_round", INTEGER, _("Order in which the rule funded it.")),
    Field("reason", STRING, _("The tally rule's reason code for funding it or not.")),
    Field("created_at", DATETIME, _("When it was submitted or imported.")),
    Field("lat", NUMBER, _("Latitude (WGS84).")),
    Field("lon", NUMBER, _("Longitude (WGS84).")),
    Field("url", STRING, _("Its page.")),
)


def project_rows():
    path = reverse("budgeting:project_detail", args=["SLUG", 999999999])
    url = settings.WEGOV_BASE_URL.rstrip("/") + path.replace("SLUG", "{slug}").replace(
        "999999999", "{id}"
    )
    outcomes = dict(
        TallyRecord.objects.filter(
            published=True, budget__results_published_at__isnull=False
        ).values_list("budget_id", "outcome")
    )
    rows = (
        BudgetProject.objects.public()
        .filter(budget__is_published=True)
        .exclude(budget__process__is_published=False)
        .order_by("pk")
        .values_list(
            "pk",
            "budget_id",
            "budget__slug",
            "budget__title",
            "budget__currency",
            "pb_project_id",
            "title",
            "description",
            "topic__slug",
            "district__slug",
            "estimated_cost",
            "final_cost",
            "status",
            "unfeasible_reason",
            "created_at",
            "lat",
            "lon",
        )
        .iterator(chunk_size=CHUNK)
    )
    for (
        pk,
        budget_id,
        slug,
        budget_title,
        currency,
        pb_id,
        title,
        description,
        topic,
        district,
        estimated,
        final,
        status,
        reason_text,
        created,
        lat,
        lon,
    ) in rows:
        external = pb_id or str(pk)
        counted = budget_id in outcomes
        result = outcomes[budget_id].get(external) if counted else None
        yield (
            pk,
            slug,
            budget_title,
            currency,
            external,
            title,
            description,
            topic or "",
            district or "",
            estimated,
            final if final is not None else estimated,
            status,
            reason_text,
            result["votes"] if result else None,
            bool(result["selected"]) if result else (False if counted else None),
            result["round"] if result else None,
            result["reason"] if result else "",
            created,
            lat,
            lon,
            url.format(slug=slug, id=pk),
        )


DATASET = Dataset(
    slug="budget-projects",
    title=_("Participatory budget projects"),
    description=_(
        "Every public project of the published participatory budgets: cost, evaluation, "
        "place and, once results are published, votes and whether and why it was funded. "
        "Authors are not named; the anonymous ballots of each budget are in its results' "
        "Pabulib file."
    ),
    fields=FIELDS,
    rows=project_rows,
    keywords=("participatory budgeting", "budget", "projects", "Pabulib"),
    themes=("GOVE", "ECON"),
    point_fields=("lat", "lon"),
    temporal_field="created_at",
    order=45,
)


def register_dataset() -> None:
    register(DATASET)
