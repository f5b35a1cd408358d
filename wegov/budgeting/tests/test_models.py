import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting.models import (
    Ballot,
    BallotChoice,
    BudgetPhase,
    BudgetProject,
    TallyRecord,
)

from .factories import BudgetFactory, BudgetProjectFactory

pytestmark = pytest.mark.django_db


def _fails(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_amount_and_costs_must_be_positive():
    _fails(lambda: BudgetFactory(amount=0))
    _fails(lambda: BudgetProjectFactory(estimated_cost=0))
    _fails(lambda: BudgetProjectFactory(final_cost=0))


def test_choices_window_and_points_are_consistent():
    _fails(lambda: BudgetFactory(min_choices=3, max_choices=2))
    _fails(lambda: BudgetFactory(ballot_type="cumulative", points_total=None))
    now = timezone.now()
    _fails(lambda: BudgetFactory(voting_opens_at=now, voting_closes_at=now))
    _fails(lambda: BudgetFactory(ballot_type="lottery"))
    _fails(lambda: BudgetFactory(rule="random"))


def test_unfeasible_needs_a_reason_and_funded_must_be_feasible():
    _fails(lambda: BudgetProjectFactory(status="unfeasible", unfeasible_reason=""))
    _fails(lambda: BudgetProjectFactory(status="submitted", is_funded=True))
    BudgetProjectFactory(status="unfeasible", unfeasible_reason="Private land")


def test_one_ballot_per_voter_per_budget_but_many_anonymous():
    budget = BudgetFactory()
    voter = UserFactory()
    Ballot.objects.create(budget=budget, voter=voter)
    _fails(lambda: Ballot.objects.create(budget=budget, voter=voter))
    Ballot.objects.create(budget=BudgetFactory(), voter=voter)
    Ballot.objects.create(budget=budget, voter=None)
    Ballot.objects.create(budget=budget, voter=None)
    assert Ballot.objects.filter(budget=budget).count() == 3


def test_receipt_codes_are_random_and_unique():
    budget = BudgetFactory()
    codes = {Ballot.objects.create(budget=budget).receipt_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 12 and "0" not in code and "O" not in code for code in codes)


def test_one_choice_per_project_and_rank_points_positive():
    project = BudgetProjectFactory()
    ballot = Ballot.objects.create(budget=project.budget)
    BallotChoice.objects.create(ballot=ballot, project=project, rank=1)
    _fails(lambda: BallotChoice.objects.create(ballot=ballot, project=project))
    other = BudgetProjectFactory(budget=project.budget)
    _fails(lambda: BallotChoice.objects.create(ballot=ballot, project=other, rank=1))
    _fails(lambda: BallotChoice.objects.create(ballot=ballot, project=other, rank=0))
    _fails(lambda: BallotChoice.objects.create(ballot=ballot, project=other, points=0))


def test_only_one_published_tally_per_budget():
    budget = BudgetFactory()
    TallyRecord.objects.create(budget=budget, rule="mes", input_hash="a", published=True)
    TallyRecord.objects.create(budget=budget, rule="greedy", input_hash="a")
    _fails(
        lambda: TallyRecord.objects.create(
            budget=budget, rule="mes", input_hash="a", published=True
        )
    )


def test_phase_follows_dates_and_flags():
    now = timezone.now()
    budget = BudgetFactory(
        voting_opens_at=now + dt.timedelta(days=1), voting_closes_at=now + dt.timedelta(days=2)
    )
    assert budget.phase(now) == BudgetPhase.PREPARATION
    assert budget.phase(now + dt.timedelta(days=1, hours=1)) == BudgetPhase.VOTING
    assert budget.phase(now + dt.timedelta(days=3)) == BudgetPhase.COUNTING
    budget.results_published_at = now
    assert budget.phase(now) == BudgetPhase.RESULTS
    budget.is_published = False
    assert budget.phase(now) == BudgetPhase.DRAFT


def test_cost_is_final_cost_when_corrected():
    project = BudgetProjectFactory(estimated_cost=1000)
    assert project.cost == 1000
    project.final_cost = 1500
    assert project.cost == 1500
    assert BudgetProject.objects.on_ballot().count() == 1
