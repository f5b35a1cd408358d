"""Budget projects in the contribution registry: on the one map (with their
evaluation status, "funded" once results are published, and category), in
activity, search and the GDPR export of their authors."""

from django.utils.translation import gettext_lazy

from wegov.core import registry
from wegov.processes.models import Process, Topic

from .models import Budget, BudgetProject

KIND_NAME = "budget_project"
FUNDED = "funded"


def map_status(project: BudgetProject) -> str:
    return FUNDED if project.is_funded else project.status


def is_public(project: BudgetProject) -> bool:
    budget = project.budget
    return (
        budget.is_published
        and (budget.process_id is None or budget.process.is_published)
        and not project.is_hidden
        and project.status != BudgetProject.Status.WITHDRAWN
    )


def present(project: BudgetProject) -> registry.Presentation:
    budget = project.budget
    district = project.district or budget.district
    return registry.Presentation(
        kind=KIND_NAME,
        id=project.pk,
        title=project.title,
        url=project.get_absolute_url(),
        status=map_status(project),
        summary=project.description[:200],
        lat=project.lat,
        lon=project.lon,
        category=project.topic.slug if project.topic_id else "",
        district=district.slug if district is not None else "",
        public=is_public(project),
        process_id=budget.process_id,
        author_id=project.author_id,
    )


def present_many(projects: list[BudgetProject]) -> dict:
    """Presentations for many projects with one query for their budgets
    (and the budgets' processes and districts)."""
    budgets = Budget.objects.select_related("process", "district").in_bulk(
        {project.budget_id for project in projects}
    )
    for project in projects:
        project.budget = budgets[project.budget_id]
    return {project.pk: present(project) for project in projects}


def _map_public(queryset):
    """Every project of a public budget the public sees (submitted, feasible,
    not feasible), with a point."""
    return (
        queryset.public()
        .filter(budget__is_published=True, lat__isnull=False, lon__isnull=False)
        .exclude(budget__process__is_published=False)
    )


def _statuses():
    return [
        *[(value, label) for value, label in BudgetProject.Status.choices if value != "withdrawn"],
        (FUNDED, gettext_lazy("Funded")),
    ]


def _categories():
    return list(Topic.objects.order_by("name").values_list("slug", "name"))


MAP = registry.MapSpec(
    public=_map_public,
    statuses=_statuses,
    categories=_categories,
    # Publishing a budget (or its process), or publishing its results, changes
    # which projects are on the map and how they show.
    depends_on=(
        (Budget, lambda budget: BudgetProject.objects.filter(budget=budget)),
        (Process, lambda process: BudgetProject.objects.filter(budget__process=process)),
    ),
)

KIND = registry.register(
    registry.ContributionKind(
        kind=KIND_NAME,
        label=gettext_lazy("Budget project"),
        model=BudgetProject,
        author_field="author",
        present=present,
        present_many=present_many,
        export_fields=(
            "title",
            "description",
            "lat",
            "lon",
            "estimated_cost",
            "final_cost",
            "status",
            "unfeasible_reason",
            "is_funded",
            "created_at",
        ),
        map=MAP,
    )
)
