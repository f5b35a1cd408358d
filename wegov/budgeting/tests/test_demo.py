"""The demo budgets: one in its vote, one with published results."""

import io
import random

import pytest
from django.utils import timezone

from wegov.accounts import demo as accounts_demo
from wegov.budgeting import demo as budgeting_demo
from wegov.budgeting.models import BudgetPhase
from wegov.core.management.commands.load_demo import DEMO_PASSWORD, DemoContext
from wegov.places import demo as places_demo
from wegov.processes import demo as processes_demo
from wegov.residency import demo as residency_demo
from wegov.residency.selectors import is_resident_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    context = DemoContext(rng=random.Random(2026), password=DEMO_PASSWORD, stdout=io.StringIO())
    for module in (places_demo, accounts_demo, residency_demo, processes_demo, budgeting_demo):
        module.load(context)
    return context


def test_demo_budgets(demo, client):
    current = demo.shared["budgets"]["current"]
    past = demo.shared["budgets"]["past"]
    assert current.phase() == BudgetPhase.VOTING
    assert current.district.slug == "oosterpark"
    statuses = set(current.projects.values_list("status", flat=True))
    assert statuses == {"feasible", "unfeasible"}
    assert current.projects.filter(lat__isnull=True).count() == 0
    assert current.ballots.count() >= 3
    assert not current.ballots.filter(voter__email="citizen@lindenbrug.example").exists()
    # Every ballot is a resident's of the district, and citizen@ may still vote.
    assert all(is_resident_of(b.voter, current.district) for b in current.ballots.all())
    citizen = demo.shared["citizens"][0]
    assert citizen.email == "citizen@lindenbrug.example"
    assert is_resident_of(citizen, current.district)
    assert current.process.is_published and current.process.district == current.district
    assert past.process is not None
    for ballot in current.ballots.prefetch_related("choices__project"):
        spent = sum(c.project.cost for c in ballot.choices.all())
        assert 0 < spent <= current.amount
        assert all(c.project.status == "feasible" for c in ballot.choices.all())

    assert past.phase() == BudgetPhase.RESULTS
    assert past.voting_closes_at.year < timezone.now().year
    assert str(past.voting_closes_at.year) in past.title
    assert not past.ballots.filter(voter__isnull=False).exists()
    tally = past.tallies.get(published=True)
    assert tally.rule == "mes"
    funded = past.projects.filter(is_funded=True)
    assert 3 <= funded.count() < past.projects.count()
    assert sum(p.cost for p in funded) <= past.amount
    # Equal shares gives each group of voters something: every group's
    # favourite kind of project is among the funded ones.
    assert tally.satisfied_share > 0.8
    for url in (
        current.get_absolute_url(),
        past.get_absolute_url(),
        f"/budgets/{past.slug}/results/",
    ):
        assert client.get(url).status_code == 200
