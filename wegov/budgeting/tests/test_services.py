"""Budget services: who may write (a role matrix), and the audit trail."""

import datetime as dt
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from wegov.budgeting import services
from wegov.budgeting.models import Budget
from wegov.core.models import AuditEntry

from .factories import BudgetFactory, BudgetProjectFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "citizen",
    "other_citizen",
    "staff",
    "other_staff",
    "moderator",
    "admin_user",
    "process_manager",
]
MANAGERS = {"admin_user", "process_manager"}


def _input(**kwargs) -> services.BudgetInput:
    now = timezone.now()  # when asked, not at import: a run can take longer than a day
    values = {
        "title": "Park budget",
        "slug": "park-budget",
        "amount": 10_000,
        "voting_opens_at": now + dt.timedelta(days=1),
        "voting_closes_at": now + dt.timedelta(days=8),
    }
    values.update(kwargs)
    return services.BudgetInput(**values)


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_write_budgets_and_results(request, role):
    user = request.getfixturevalue(role)
    allowed = role in MANAGERS
    closed = BudgetFactory(
        voting_opens_at=timezone.now() - dt.timedelta(days=5),
        voting_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    BudgetProjectFactory(budget=closed)
    calls = [
        lambda: services.budget_create(actor=user, data=_input()),
        lambda: services.budget_update(
            actor=user,
            budget=closed,
            data=_input(
                slug=closed.slug,
                title="Renamed",
                voting_opens_at=closed.voting_opens_at,
                voting_closes_at=closed.voting_closes_at,
            ),
        ),
        lambda: services.budget_tally(actor=user, budget=closed, rule="greedy"),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()
    tally = closed.tallies.first()
    if allowed:
        services.results_publish(actor=user, budget=closed, tally=tally)
        services.results_withdraw(actor=user, budget=closed)
        actions = set(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
        assert actions == {
            "budget.created",
            "budget.updated",
            "budget.tallied",
            "budget.results_published",
            "budget.results_withdrawn",
        }
    else:
        assert tally is None
        assert not Budget.objects.filter(slug="park-budget").exists()
        assert not AuditEntry.objects.filter(actor=user).exists()


def test_update_records_only_what_changed():
    created = _input()
    budget = services.budget_create(actor=None, data=created)
    services.budget_update(actor=None, budget=budget, data=replace(created, amount=12_000))
    entry = AuditEntry.objects.get(action="budget.updated")
    assert entry.before == {"amount": 10_000} and entry.after == {"amount": 12_000}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "manage"}, "slug"),
        ({"slug": "receipts"}, "slug"),
        ({"amount": 0}, "amount"),
        ({"currency": "euro"}, "currency"),
        ({"min_choices": 3, "max_choices": 2}, "max_choices"),
        ({"ballot_type": "cumulative"}, "points_total"),
        ({"voting_closes_at": None}, "voting_closes_at"),
        ({"title": "  "}, "title"),
    ],
)
def test_invalid_input_is_a_field_error(kwargs, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        services.budget_create(actor=None, data=_input(**kwargs))
    assert field in excinfo.value.message_dict
    assert not Budget.objects.exists()
