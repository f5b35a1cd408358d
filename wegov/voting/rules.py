"""Who may do what with polls and delegations (named predicates).

- Process managers and administrators create, edit and publish polls, switch
  delegation on for a process, and see every poll and its results.
- A participant (logged in, not blocked) votes on a published poll of a
  published process while the poll is open by its own dates AND the process's
  active phase grants ``Action.VOTE`` (``processes.PHASE_ACTIONS``).
- Results show while the poll is open when it says so (``live``), otherwise
  once it has closed.
- A participant delegates in a published process that has delegation
  switched on and is not over.
"""

import rules
from django.utils import timezone

from wegov.accounts.rules import is_administrator, is_participant, is_process_manager
from wegov.processes.models import Action

can_manage_polls = is_process_manager | is_administrator


@rules.predicate
def poll_is_public(user, poll) -> bool:
    return poll is not None and poll.is_published and poll.process.is_published


@rules.predicate
def phase_grants_vote(user, poll) -> bool:
    return poll is not None and poll.process.allows(Action.VOTE)


@rules.predicate
def poll_is_open(user, poll) -> bool:
    return poll is not None and poll.state() == "open"


@rules.predicate
def results_are_out(user, poll) -> bool:
    if poll is None:
        return False
    state = poll.state()
    return state == "closed" or (state == "open" and poll.results_visibility == "live")


@rules.predicate
def process_is_published(user, process) -> bool:
    return process is not None and process.is_published


@rules.predicate
def process_is_not_over(user, process) -> bool:
    return process is not None and process.status(timezone.localdate()) != "past"


@rules.predicate
def delegation_enabled(user, process) -> bool:
    if process is None:
        return False
    from .selectors import delegation_enabled as enabled

    return enabled(process)


may_vote = is_participant & poll_is_public & poll_is_open & phase_grants_vote
may_view_poll = poll_is_public | can_manage_polls
may_view_results = (poll_is_public & results_are_out) | can_manage_polls
may_delegate = is_participant & process_is_published & delegation_enabled & process_is_not_over

rules.add_perm("voting.manage_polls", can_manage_polls)  # object: the process, or None
rules.add_perm("voting.vote", may_vote)  # object: the poll
rules.add_perm("voting.view_poll", may_view_poll)
rules.add_perm("voting.view_results", may_view_results)
rules.add_perm("voting.delegate", may_delegate)  # object: the process
