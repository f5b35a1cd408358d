import datetime as dt

import factory
from django.utils import timezone

from wegov.budgeting.models import (
    Ballot,
    BallotChoice,
    BallotType,
    Budget,
    BudgetProject,
    TallyRule,
)


class BudgetFactory(factory.django.DjangoModelFactory):
    """A published, standalone, city-wide approval budget whose vote is open
    (from yesterday to next week). Pass ``voting_opens_at``/``voting_closes_at``
    to move the window."""

    class Meta:
        model = Budget

    title = factory.Sequence(lambda n: f"Neighbourhood budget {n}")
    slug = factory.Sequence(lambda n: f"budget-{n}")
    description = "Decide together how to spend this year's neighbourhood budget."
    amount = 100_000
    ballot_type = BallotType.APPROVAL
    rule = TallyRule.MES
    is_published = True
    voting_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    voting_closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class BudgetProjectFactory(factory.django.DjangoModelFactory):
    """A feasible project (on the ballot)."""

    class Meta:
        model = BudgetProject

    budget = factory.SubFactory(BudgetFactory)
    title = factory.Sequence(lambda n: f"Benches and trees for square {n}")
    description = "New benches and three trees where the old kiosk stood."
    estimated_cost = 20_000
    status = BudgetProject.Status.FEASIBLE
    lat = 52.37
    lon = 4.89


class BallotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ballot

    budget = factory.SubFactory(BudgetFactory)


def cast(budget: Budget, voter, projects, *, points=None) -> Ballot:
    """A ballot choosing ``projects`` (in rank order for ranked budgets),
    written straight to the models (the participation services check more)."""
    ballot = Ballot.objects.create(budget=budget, voter=voter)
    for position, project in enumerate(projects):
        BallotChoice.objects.create(
            ballot=ballot,
            project=project,
            rank=position + 1 if budget.ballot_type == BallotType.RANKED else None,
            points=points[position] if points else None,
        )
    return ballot
