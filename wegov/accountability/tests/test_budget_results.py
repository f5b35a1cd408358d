"""A budget's published results become implementation results by themselves:
one per funded project, none for the others, once, whoever published them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wegov.accountability import services
from wegov.accountability.models import Result, Status
from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting import services as budgeting_services
from wegov.budgeting.tests.factories import BudgetFactory, BudgetProjectFactory, cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_budget():
    budget = BudgetFactory(
        amount=50_000,
        voting_opens_at=timezone.now() - dt.timedelta(days=5),
        voting_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    wanted = BudgetProjectFactory(budget=budget, title="Trees on the square", estimated_cost=30_000)
    also = BudgetProjectFactory(budget=budget, title="A drinking fountain", estimated_cost=15_000)
    unwanted = BudgetProjectFactory(budget=budget, title="A golden statue", estimated_cost=40_000)
    for _ in range(3):
        cast(budget, UserFactory(), [wanted, also])
    cast(budget, UserFactory(), [unwanted])
    return budget, (wanted, also, unwanted)


def publish(budget, actor, capture):
    tally = budgeting_services.budget_tally(actor=actor, budget=budget, rule="greedy")
    with capture(execute=True):
        budgeting_services.results_publish(actor=actor, budget=budget, tally=tally)


@pytest.mark.parametrize("publisher", ["process_manager", "command_line"])
def test_funded_projects_are_tracked_when_results_are_published(
    request, counted_budget, django_capture_on_commit_callbacks, publisher
):
    budget, (wanted, also, _unwanted) = counted_budget
    actor = request.getfixturevalue(publisher) if publisher != "command_line" else None
    publish(budget, actor, django_capture_on_commit_callbacks)
    results = {r.source_id: r for r in Result.objects.filter(source_kind="budget_project")}
    assert set(results) == {wanted.pk, also.pk}
    trees = results[wanted.pk]
    assert (trees.title, trees.status, trees.progress) == ("Trees on the square", Status.PLANNED, 0)
    assert trees.budget_amount == 30_000
    assert trees.created_by == actor

    # Publishing again (e.g. after withdrawing) tracks nothing twice.
    budgeting_services.results_withdraw(actor=actor, budget=budget)
    publish(budget, actor, django_capture_on_commit_callbacks)
    assert Result.objects.filter(source_kind="budget_project").count() == 2


def test_an_unfunded_project_cannot_be_tracked_by_hand(counted_budget, admin_user):
    _budget, (_wanted, _also, unwanted) = counted_budget
    with pytest.raises(ValidationError, match="funded by the published results"):
        services.result_track(actor=admin_user, source=unwanted)
