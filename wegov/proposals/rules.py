"""Who may do what with proposals (roles; the phase is checked in services).

author             the proposal's author
co-author          invited by the author and accepted
process staff      member of the process's organisation
answerer           process staff, process manager or administrator
"""

import rules

from wegov.accounts.rules import (
    is_administrator,
    is_citizen,
    is_member_of,
    is_participant,
    is_process_manager,
    is_verified_resident,
)


@rules.predicate
def is_proposal_author(user, proposal) -> bool:
    return is_citizen(user) and proposal is not None and proposal.author_id == user.pk


@rules.predicate
def is_proposal_coauthor(user, proposal) -> bool:
    """An accepted co-author (uses prefetched ``coauthorships`` when present)."""
    if not is_citizen(user) or proposal is None:
        return False
    cache = getattr(proposal, "_prefetched_objects_cache", {})
    if "coauthorships" in cache:
        return any(c.user_id == user.pk and c.accepted_at for c in cache["coauthorships"])
    return proposal.coauthorships.filter(user=user, accepted_at__isnull=False).exists()


@rules.predicate
def is_process_staff(user, proposal) -> bool:
    if proposal is None:
        return False
    return is_member_of(user, proposal.process.organisation)


is_proposal_writer = is_participant & (is_proposal_author | is_proposal_coauthor)
may_answer = is_process_staff | is_process_manager | is_administrator


@rules.predicate
def may_support_as_resident(user, proposal) -> bool:
    """Residence is only needed where the process asks for it."""
    if proposal is None or not proposal.process.supports_require_residence:
        return True
    return is_verified_resident(user)


rules.add_perm("proposals.edit_proposal", is_proposal_writer)
rules.add_perm("proposals.withdraw_proposal", is_participant & is_proposal_author)
rules.add_perm("proposals.invite_coauthor", is_participant & is_proposal_author)
rules.add_perm("proposals.support_proposal", is_participant & may_support_as_resident)
rules.add_perm("proposals.answer_proposal", may_answer)
