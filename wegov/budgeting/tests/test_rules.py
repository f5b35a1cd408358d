"""The participation predicates as a role x moment matrix."""

import pytest
import rules as django_rules
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.budgeting import rules
from wegov.residency.tests.factories import make_resident

from .factories import BudgetFactory, BudgetProjectFactory
from .participation_helpers import MOMENTS, budget_in

ROLES = [
    "anonymous",
    "citizen",
    "resident",
    "blocked_resident",
    "staff",
    "other_staff",
    "moderator",
    "process_manager",
    "admin_user",
]


@pytest.fixture
def resident(db):
    return make_resident()


@pytest.fixture
def blocked_resident(db):
    return make_resident(blocked_at=timezone.now())


def user_for(request, role):
    if role == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return request.getfixturevalue(role)


SUBMIT = {
    # Any participant while the process takes proposals.
    "proposals": {r for r in ROLES if r not in {"anonymous", "blocked_resident"}},
}
EVALUATE = {
    "proposals": {"staff", "process_manager", "admin_user"},
    "evaluation": {"staff", "process_manager", "admin_user"},
}
VOTE = {"voting": {"resident"}}


@pytest.mark.django_db
@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(request, role, moment, department):
    user = user_for(request, role)
    budget = budget_in(moment, organisation=department)
    assert rules.may_submit_project(user, budget) is (role in SUBMIT.get(moment, set()))
    assert rules.may_evaluate(user, budget) is (role in EVALUATE.get(moment, set()))
    assert rules.may_vote(user, budget) is (role in VOTE.get(moment, set()))
    assert django_rules.has_perm("budgeting.submit_project", user, budget) is (
        role in SUBMIT.get(moment, set())
    )
    assert django_rules.has_perm("budgeting.cast_ballot", user, budget) is (
        role in VOTE.get(moment, set())
    )


@pytest.mark.django_db
def test_unpublished_budget_or_process_closes_everything(department):
    resident = make_resident()
    budget = budget_in("voting", is_published=False)
    assert not rules.may_vote(resident, budget)
    budget = budget_in("voting")
    budget.process.is_published = False
    budget.process.save(update_fields=["is_published"])
    assert not rules.may_vote(resident, budget)
    budget = budget_in("proposals", is_published=False)
    assert not rules.may_submit_project(resident, budget)


@pytest.mark.django_db
def test_budget_without_process_takes_no_projects_and_has_no_staff(staff):
    budget = BudgetFactory(voting_opens_at=None, voting_closes_at=None)
    assert not rules.takes_projects(UserFactory(), budget)
    assert not rules.is_budget_staff(staff, budget)
    assert not rules.is_vote_open(None, budget)
    assert rules.is_before_vote(None, budget)


@pytest.mark.django_db
def test_proposals_phase_with_vote_already_open_takes_no_projects():
    # The vote window decides over a phase that was left too long.
    budget = budget_in("proposals")
    budget.voting_opens_at = timezone.now()
    assert not rules.takes_projects(UserFactory(), budget)


@pytest.mark.django_db
def test_window_edges():
    budget = budget_in("voting")
    now = timezone.now()
    budget.voting_opens_at = now + timezone.timedelta(seconds=5)
    assert not rules.is_vote_open(None, budget)
    budget.voting_opens_at = now - timezone.timedelta(seconds=5)
    budget.voting_closes_at = now - timezone.timedelta(microseconds=1)
    assert not rules.is_vote_open(None, budget)
    assert rules.is_vote_closed(None, budget)


@pytest.mark.django_db
def test_project_predicates(department, staff, other_staff):
    budget = budget_in("evaluation", organisation=department)
    author = UserFactory()
    project = BudgetProjectFactory(budget=budget, author=author)
    assert rules.is_project_author(author, project)
    assert not rules.is_project_author(UserFactory(), project)
    assert rules.is_project_budget_staff(staff, project)
    assert not rules.is_project_budget_staff(other_staff, project)


@pytest.mark.django_db
def test_a_district_budget_is_for_that_districts_residents(city):
    from wegov.residency import services as residency_services
    from wegov.residency.tests.factories import make_district, registry_officer

    elsewhere = make_district()
    budget = budget_in("voting", district=city)
    here, there = make_resident(district=city), make_resident(district=elsewhere)
    assert rules.may_vote(here, budget)
    assert not rules.may_vote(there, budget)
    # A flag without a residence behind it (set by hand) is not enough.
    assert not rules.may_vote(UserFactory(verified_resident_since=timezone.now()), budget)
    # Nor is a revoked residence.
    residency_services.residence_revoke(actor=registry_officer(), user=here)
    assert not rules.may_vote(here, budget)
