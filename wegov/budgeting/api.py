"""Participatory budgets over HTTP: /api/v1/budgets/ (public, read only).

Anyone may read published budgets, their projects and, once published, their
results, without logging in; process managers and administrators (by session
or API token) also read unpublished budgets by their slug. Ballots are never
served here; the anonymous ballots are in the results' Pabulib file.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wegov.api.auth import session_token_or_anyone
from wegov.places.models import District

from . import selectors
from .models import Budget, BudgetProject
from .reasons import rule_explanation
from .registration import map_status

router = Router(tags=["budgets"])

PER_PAGE = 20
CITY_WIDE = "city"


class ErrorOut(Schema):
    detail: str | dict | list


class NamedOut(Schema):
    slug: str
    name: str


class BudgetOut(Schema):
    slug: str
    title: str
    url: str
    district: NamedOut | None = Field(description="None for a city-wide budget.")
    process: str | None = Field(description="The process's slug, if the budget belongs to one.")
    amount: int
    currency: str
    ballot_type: Literal["approval", "knapsack", "cumulative", "ranked"]
    rule: Literal["greedy", "mes"]
    phase: Literal["draft", "preparation", "voting", "counting", "results"]
    voting_opens_at: dt.datetime | None
    voting_closes_at: dt.datetime | None
    project_count: int


class BudgetDetailOut(BudgetOut):
    description: str = Field(description="Sanitised HTML.")
    min_choices: int
    max_choices: int | None
    points_total: int | None
    results_url: str | None = Field(description="The results' API address once published.")


class BudgetPageOut(Schema):
    count: int
    page: int
    pages: int
    per_page: int
    results: list[BudgetOut]


class BudgetQuery(Schema):
    district: str | None = Field(
        None, max_length=80, description='A district slug, or "city" for city-wide budgets.'
    )
    page: int = Field(1, ge=1, le=100_000)


class ProjectOut(Schema):
    id: int
    pabulib_id: str = Field(description="The project's id in Pabulib files and tallies.")
    title: str
    description: str
    url: str
    cost: int = Field(description="After evaluation when corrected, else the estimate.")
    estimated_cost: int
    status: Literal["submitted", "feasible", "unfeasible", "funded"]
    unfeasible_reason: str
    category: NamedOut | None
    lat: float | None
    lon: float | None


class ProjectQuery(Schema):
    status: str | None = Field(
        None, description="submitted, feasible, unfeasible or funded.", max_length=20
    )


class ProjectResultOut(Schema):
    pabulib_id: str
    project_id: int | None
    title: str
    cost: int
    votes: int
    score: int
    selected: bool
    round: int | None = Field(description="Order of selection, 1 first; None when not funded.")
    reason: str = Field(description="The rule's reason code (see docs/budgeting.md).")
    explanation: str = Field(description="The reason in plain words, in the request's language.")
    detail: dict[str, str]


class ResultsOut(Schema):
    budget: str
    rule: Literal["greedy", "mes"]
    rule_explanation: str
    options: dict
    input_hash: str = Field(description="SHA-256 of the counted projects and ballots.")
    counted_at: dt.datetime
    ballots: int
    satisfied_share: float | None = Field(
        description="Share of voters with at least one funded project they voted for."
    )
    selected: list[str] = Field(description="Pabulib ids of the funded projects, in order.")
    spent: int
    pabulib_url: str
    projects: list[ProjectResultOut]


def _named(obj) -> dict | None:
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def _budget(request, budget: Budget) -> dict:
    return {
        "slug": budget.slug,
        "title": budget.title,
        "url": request.build_absolute_uri(budget.get_absolute_url()),
        "district": _named(budget.district),
        "process": budget.process.slug if budget.process_id else None,
        "amount": budget.amount,
        "currency": budget.currency,
        "ballot_type": budget.ballot_type,
        "rule": budget.rule,
        "phase": budget.phase(),
        "voting_opens_at": budget.voting_opens_at,
        "voting_closes_at": budget.voting_closes_at,
        "project_count": getattr(budget, "project_count", 0),
    }


def _budget_for(request, slug: str) -> Budget:
    return selectors.budget_for(request.auth, slug)


@router.get(
    "/",
    response={200: BudgetPageOut, 400: ErrorOut, 422: ErrorOut},
    auth=session_token_or_anyone,
    summary="Published budgets, latest vote first",
)
def list_budgets(request, query: Query[BudgetQuery]):
    qs = selectors.budget_list()  # published only, whoever asks
    district = query.district or ""
    if district == CITY_WIDE:
        qs = qs.filter(district__isnull=True)
    elif district:
        if not District.objects.filter(slug=district).exists():
            raise ValidationError(
                {"district": _("Unknown district “%(slug)s”.") % {"slug": district}}
            )
        qs = qs.filter(district__slug=district)
    count = qs.count()
    pages = max(1, math.ceil(count / PER_PAGE))
    if query.page > pages:
        raise ValidationError(
            {
                "page": _("There is no page %(n)s; the last is %(last)s.")
                % {"n": query.page, "last": pages}
            }
        )
    start = (query.page - 1) * PER_PAGE
    return {
        "count": count,
        "page": query.page,
        "pages": pages,
        "per_page": PER_PAGE,
        "results": [_budget(request, b) for b in qs[start : start + PER_PAGE]],
    }


@router.get(
    "/{slug}",
    response={200: BudgetDetailOut, 404: ErrorOut},
    auth=session_token_or_anyone,
    summary="A budget: amount, ballot, rule, dates and phase",
)
def get_budget(request, slug: str):
    budget = _budget_for(request, slug)
    budget.project_count = selectors.projects(budget).count()
    data = _budget(request, budget)
    data.update(
        description=budget.description,
        min_choices=budget.min_choices,
        max_choices=budget.max_choices,
        points_total=budget.points_total,
        results_url=(
            request.build_absolute_uri(request.path.rstrip("/") + "/results")
            if budget.results_published_at
            else None
        ),
    )
    return data


@router.get(
    "/{slug}/projects",
    response={200: list[ProjectOut], 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=session_token_or_anyone,
    summary="The budget's projects with cost and evaluation (withdrawn and hidden ones left out)",
)
def list_projects(request, slug: str, query: Query[ProjectQuery]):
    budget = _budget_for(request, slug)
    qs = selectors.projects(budget)
    status = query.status or ""
    if status == "funded":
        qs = qs.filter(is_funded=True)
    elif status in ("submitted", "feasible", "unfeasible"):
        qs = qs.filter(status=status)
    elif status:
        raise ValidationError(
            {
                "status": _(
                    "Unknown status “%(status)s”: use submitted, feasible, unfeasible or funded."
                )
                % {"status": status}
            }
        )
    return [_project(request, budget, p) for p in qs]


def _project(request, budget: Budget, project: BudgetProject) -> dict:
    project.budget = budget
    return {
        "id": project.pk,
        "pabulib_id": project.external_id,
        "title": project.title,
        "description": project.description,
        "url": request.build_absolute_uri(project.get_absolute_url()),
        "cost": project.cost,
        "estimated_cost": project.estimated_cost,
        "status": map_status(project),
        "unfeasible_reason": project.unfeasible_reason,
        "category": _named_topic(project.topic),
        "lat": project.lat,
        "lon": project.lon,
    }


def _named_topic(topic) -> dict | None:
    return {"slug": topic.slug, "name": topic.name} if topic is not None else None


@router.get(
    "/{slug}/results",
    response={200: ResultsOut, 404: ErrorOut},
    auth=session_token_or_anyone,
    summary="The published results: every project's votes, cost and why it was funded or not",
)
def get_results(request, slug: str):
    budget = _budget_for(request, slug)
    tally = selectors.published_tally(budget)
    if tally is None:
        return Status(404, {"detail": _("The results of this budget are not published yet.")})
    rows = selectors.result_rows(budget, tally)
    return {
        "budget": budget.slug,
        "rule": tally.rule,
        "rule_explanation": rule_explanation(tally.rule, tally.options),
        "options": tally.options,
        "input_hash": tally.input_hash,
        "counted_at": tally.created_at,
        "ballots": tally.voter_count,
        "satisfied_share": tally.satisfied_share,
        "selected": tally.selected,
        "spent": sum(row.cost for row in rows if row.selected),
        "pabulib_url": request.build_absolute_uri(
            reverse("budgeting:results_pabulib", args=[budget.slug])
        ),
        "projects": [
            {
                "pabulib_id": row.project_id,
                "project_id": row.project.pk if row.project else None,
                "title": row.title,
                "cost": row.cost,
                "votes": row.votes,
                "score": row.score,
                "selected": row.selected,
                "round": row.round,
                "reason": row.reason,
                "explanation": row.explanation,
                "detail": tally.outcome[row.project_id].get("detail", {}),
            }
            for row in rows
        ],
    }
