"""Reads the budget pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from .models import Budget, BudgetProject, TallyRecord
from .reasons import explain


def can_manage(user) -> bool:
    return bool(user and user.has_perm("budgeting.manage_budget"))


def public_budgets() -> QuerySet[Budget]:
    """Published budgets whose process (if any) is published too."""
    return Budget.objects.filter(is_published=True).filter(
        Q(process__isnull=True) | Q(process__is_published=True)
    )


def is_public(budget: Budget) -> bool:
    return budget.is_published and (budget.process_id is None or budget.process.is_published)


def budget_list(user=None) -> QuerySet[Budget]:
    """The list page's budgets: public ones (managers see drafts as well)."""
    budgets = Budget.objects.all() if can_manage(user) else public_budgets()
    return (
        budgets.select_related("district", "process")
        .annotate(
            project_count=Count(
                "projects",
                filter=Q(projects__is_hidden=False) & ~Q(projects__status="withdrawn"),
            )
        )
        .order_by("-voting_closes_at", "-id")
    )


def budget_for(user, slug: str) -> Budget:
    """The budget at ``slug`` if ``user`` may see it; 404 otherwise (drafts
    are not admitted to exist)."""
    budget = (
        Budget.objects.select_related("district", "process", "process__organisation")
        .filter(slug=slug)
        .first()
    )
    if budget is None or not (is_public(budget) or can_manage(user)):
        raise Http404
    return budget


def projects(budget: Budget, *, status: str = "") -> QuerySet[BudgetProject]:
    """What the public sees of the budget's projects (see ``BudgetProjectQuerySet.public``)."""
    qs = budget.projects.public().select_related("topic", "district")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "title", "id")


def project_for(budget: Budget, pk: int) -> BudgetProject:
    project = (
        budget.projects.public().select_related("topic", "district", "author").filter(pk=pk).first()
    )
    if project is None:
        raise Http404
    return project


def published_tally(budget: Budget) -> TallyRecord | None:
    if budget.results_published_at is None:
        return None
    return budget.tallies.filter(published=True).first()


def latest_tally(budget: Budget) -> TallyRecord | None:
    return budget.tallies.order_by("-created_at", "-id").first()


@dataclass
class ResultRow:
    project: BudgetProject | None
    project_id: str
    title: str
    cost: int
    votes: int
    score: int
    selected: bool
    round: int | None
    reason: str
    explanation: str
    bar_percent: float = 0.0


def result_rows(budget: Budget, tally: TallyRecord) -> list[ResultRow]:
    """One row per project of the tally: funded ones first in the order the
    rule chose them, then the others by votes."""
    by_external = {
        project.external_id: project
        for project in budget.projects.filter(
            Q(pb_project_id__in=list(tally.outcome)) | Q(pk__in=_int_ids(tally.outcome))
        ).select_related("topic")
    }
    rows = []
    for pid, data in tally.outcome.items():
        project = by_external.get(pid)
        rows.append(
            ResultRow(
                project=project,
                project_id=pid,
                title=project.title if project else pid,
                cost=int(data.get("cost", project.cost if project else 0)),
                votes=int(data.get("votes", 0)),
                score=int(data.get("score", 0)),
                selected=bool(data.get("selected")),
                round=data.get("round"),
                reason=data.get("reason", ""),
                explanation=explain(budget, data),
            )
        )
    rows.sort(key=lambda r: (not r.selected, r.round or 0, -r.score, -r.votes, r.title))
    top = max((r.score for r in rows), default=0)
    for row in rows:
        row.bar_percent = round(100 * row.score / top, 1) if top else 0.0
    return rows


def _int_ids(outcome: dict) -> list[int]:
    return [int(pid) for pid in outcome if pid.isdigit()]


def budget_with_projects(budget: Budget) -> Budget:
    """``budget`` with its public projects prefetched (the API detail)."""
    return (
        Budget.objects.filter(pk=budget.pk)
        .select_related("district", "process")
        .prefetch_related(
            Prefetch(
                "projects",
                queryset=BudgetProject.objects.public().select_related("topic"),
                to_attr="public_projects",
            )
        )
        .get()
    )
