"""Who may do what with participatory budgets (roles x the budget's moment).

project author     any participant (signed in, not blocked) while the budget
                   takes projects: its process is in a phase granting
                   ``propose`` (a budget without a process, e.g. one
                   imported from a Pabulib file, takes no projects)
evaluator          staff of the process's responsible organisation, process
                   managers and administrators; only before the vote opens
voter              ``is_eligible_voter`` (a verified resident; the district
                   check is wired at merge time, see below) while the
                   published budget's vote window is open
manager            process managers and administrators (budgets, tallies)

Every predicate takes ``(user, budget)`` or ``(user, project)``; the moment
(phase, window) is part of the predicate, so the views and services ask one
question. ``now`` is read from ``django.utils.timezone.now`` each time.
"""

from __future__ import annotations

import rules
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import (
    is_administrator,
    is_citizen,
    is_member_of,
    is_participant,
    is_process_manager,
)
from wegov.core import staff_pages
from wegov.processes.models import Action
from wegov.residency.selectors import is_resident_of

# --- The budget's moment ----------------------------------------------------------


@rules.predicate
def is_budget_published(user, budget) -> bool:
    if budget is None or not budget.is_published:
        return False
    return budget.process is None or budget.process.is_published


@rules.predicate
def takes_projects(user, budget) -> bool:
    """Its process is in a phase granting ``propose`` and the vote has not opened."""
    if budget is None:
        return False
    if budget.voting_opens_at is not None and timezone.now() >= budget.voting_opens_at:
        return False
    return budget.process is not None and budget.process.allows(Action.PROPOSE)


@rules.predicate
def is_before_vote(user, budget) -> bool:
    """Evaluation happens before the ballot: until the vote window opens."""
    if budget is None:
        return False
    return budget.voting_opens_at is None or timezone.now() < budget.voting_opens_at


@rules.predicate
def is_vote_open(user, budget) -> bool:
    """The published budget's vote window is open now (opens inclusive, closes exclusive)."""
    if budget is None or budget.voting_opens_at is None or budget.voting_closes_at is None:
        return False
    now = timezone.now()
    return budget.voting_opens_at <= now < budget.voting_closes_at


@rules.predicate
def is_vote_closed(user, budget) -> bool:
    if budget is None or budget.voting_closes_at is None:
        return False
    return timezone.now() >= budget.voting_closes_at


# --- Roles --------------------------------------------------------------------------


@rules.predicate
def is_budget_staff(user, budget) -> bool:
    """Staff of the organisation responsible for the budget's process."""
    if budget is None or budget.process is None:
        return False
    return is_member_of(user, budget.process.organisation)


@rules.predicate
def is_eligible_voter(user, budget) -> bool:
    """The one place that decides who may vote in ``budget``: a participant
    (signed in, not blocked) with a current verified residence in the budget's
    district (anywhere in the city for a city-wide budget)."""
    if budget is None or not is_participant(user):
        return False
    return is_resident_of(user, budget.district)


@rules.predicate
def is_project_author(user, project) -> bool:
    return is_citizen(user) and project is not None and project.author_id == user.pk


@rules.predicate
def is_project_budget_staff(user, project) -> bool:
    return project is not None and is_budget_staff(user, project.budget)


is_budget_manager = is_process_manager | is_administrator
may_evaluate_budget = is_budget_manager | is_budget_staff

# Full permissions, moment included.
may_submit_project = is_participant & is_budget_published & takes_projects
may_evaluate = may_evaluate_budget & is_before_vote
may_vote = is_eligible_voter & is_budget_published & is_vote_open

rules.add_perm("budgeting.submit_project", may_submit_project)
rules.add_perm("budgeting.view_evaluation_queue", may_evaluate_budget)
rules.add_perm("budgeting.evaluate_project", may_evaluate)
rules.add_perm("budgeting.cast_ballot", may_vote)
rules.add_perm("budgeting.manage_budget", is_budget_manager)

# The same questions for templates (``{% test_rule %}`` does not let
# superusers through the way ``has_perm`` does).
rules.add_rule("budgeting.may_submit_project", may_submit_project)
rules.add_rule("budgeting.may_evaluate_budget", may_evaluate_budget)
rules.add_rule("budgeting.may_vote", may_vote)

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="manage_budgets",
        label=_("Manage budgets"),
        description=_("Participatory budgets: projects, evaluation, the vote and the count."),
        url_name="budgeting:manage_list",
        allowed="budgeting.manage_budget",
        order=21,
    )
)
