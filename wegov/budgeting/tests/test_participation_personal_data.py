"""A voter's ballots in "my data" and on account erasure."""

import pytest

from wegov.budgeting import participation as p
from wegov.budgeting import personal_data
from wegov.budgeting.models import Ballot, BallotChoice
from wegov.residency.tests.factories import make_resident

from .factories import BudgetProjectFactory
from .participation_helpers import budget_in

pytestmark = pytest.mark.django_db


def test_export_and_erase_ballots():
    budget = budget_in("voting", title="Parks 2026")
    project = BudgetProjectFactory(budget=budget, title="Swings")
    voter, other = make_resident(), make_resident()
    ballot = p.ballot_cast(actor=voter, budget=budget, selection={project.pk: 1})
    p.ballot_cast(actor=other, budget=budget, selection={project.pk: 1})
    exported = personal_data.export(voter)["budget_ballots"]
    assert exported == [
        {
            "budget": "Parks 2026",
            "receipt_code": ballot.receipt_code,
            "submitted_at": ballot.submitted_at.isoformat(),
            "updated_at": ballot.updated_at.isoformat(),
            "choices": [{"project": "Swings", "rank": None, "points": None}],
        }
    ]
    personal_data.erase(voter)
    assert personal_data.export(voter) == {"budget_ballots": []}
    ballot.refresh_from_db()
    assert ballot.voter is None and BallotChoice.objects.filter(ballot=ballot).exists()
    assert Ballot.objects.filter(voter=other).count() == 1
