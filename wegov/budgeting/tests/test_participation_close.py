"""Closing votes from the command line and the periodic task."""

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from wegov.budgeting import participation as p
from wegov.budgeting import tasks
from wegov.budgeting.models import Ballot
from wegov.residency.tests.factories import make_resident

from .factories import BudgetProjectFactory
from .participation_helpers import budget_in

pytestmark = pytest.mark.django_db


def closed_budget_with_a_ballot(title):
    budget = budget_in("voting", title=title)
    project = BudgetProjectFactory(budget=budget)
    p.ballot_cast(actor=make_resident(), budget=budget, selection={project.pk: 1})
    budget.voting_closes_at = timezone.now() - dt.timedelta(minutes=1)
    budget.voting_opens_at = timezone.now() - dt.timedelta(days=3)
    budget.save(update_fields=["voting_opens_at", "voting_closes_at"])
    return budget


def test_command_closes_due_votes_once():
    budget = closed_budget_with_a_ballot("Parks 2026")
    out = StringIO()
    call_command("budgeting_close_votes", stdout=out)
    assert out.getvalue() == f"{budget.pk}\tParks 2026\n"
    assert Ballot.objects.get().voter is None
    out = StringIO()
    call_command("budgeting_close_votes", stdout=out)
    assert out.getvalue() == "No vote to close.\n"


def test_task_closes_due_votes_and_is_scheduled():
    budget = closed_budget_with_a_ballot("Streets 2026")
    assert tasks.close_votes.delay().get() == [budget.pk]
    assert Ballot.objects.get().voter is None
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "wegov.budgeting.tasks.close_votes" in scheduled
