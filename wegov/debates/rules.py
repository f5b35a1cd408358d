"""Who may open, edit, close and reopen debates (named predicates).

The administration side of a process: staff of the process's organisation,
process managers and administrators. It opens debates whenever the process is
published. Citizens open debates only when the process lets them
(``citizens_may_open_debates``) and its active phase grants ``Action.DEBATE``.
Blocked users do nothing. ``services`` turns a refusal into a reason people read.
"""

import rules

from wegov.accounts.rules import is_administrator, is_citizen, is_participant, is_process_manager
from wegov.processes.models import Action


@rules.predicate
def is_process_staff(user, process) -> bool:
    """Staff of the organisation responsible for the process."""
    if not is_citizen(user) or process is None:
        return False
    return user.memberships.filter(organisation_id=process.organisation_id).exists()


is_administration_side = is_process_staff | is_process_manager | is_administrator


@rules.predicate
def is_published(user, process) -> bool:
    return process is not None and process.is_published


@rules.predicate
def citizens_may_open_now(user, process) -> bool:
    return (
        process is not None and process.citizens_may_open_debates and process.allows(Action.DEBATE)
    )


may_open_debate = is_participant & is_published & (is_administration_side | citizens_may_open_now)


@rules.predicate
def is_debate_open(user, debate) -> bool:
    return debate is not None and debate.is_open


@rules.predicate
def is_debate_closed(user, debate) -> bool:
    return debate is not None and debate.is_closed


@rules.predicate
def is_administration_side_of_debate(user, debate) -> bool:
    return debate is not None and is_administration_side(user, debate.process)


@rules.predicate
def is_citizen_author(user, debate) -> bool:
    """The citizen who opened a citizen debate (as in Decidim, they close it)."""
    return (
        debate is not None
        and not debate.is_official
        and is_citizen(user)
        and debate.author_id == user.pk
    )


@rules.predicate
def is_author(user, debate) -> bool:
    return debate is not None and is_citizen(user) and debate.author_id == user.pk


@rules.predicate
def has_no_arguments(user, debate) -> bool:
    return debate is not None and debate.comment_count == 0


may_close_debate = (
    is_participant & is_debate_open & (is_administration_side_of_debate | is_citizen_author)
)
may_reopen_debate = is_participant & is_debate_closed & is_process_manager
may_edit_debate = is_participant & is_debate_open & is_author & has_no_arguments

rules.add_perm("debates.open_debate", may_open_debate)  # object: the process
rules.add_perm("debates.close_debate", may_close_debate)  # object: the debate
rules.add_perm("debates.reopen_debate", may_reopen_debate)
rules.add_perm("debates.edit_debate", may_edit_debate)
