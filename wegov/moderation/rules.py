"""Who may do what in moderation (see accounts.rules for the roles)."""

import rules

from wegov.accounts.rules import is_blocked, is_moderator, is_participant

# Flag a contribution or comment: anyone who may write (not blocked).
rules.add_perm("moderation.flag", is_participant)
# Work the queue: hide, restore, block, decide appeals.
rules.add_perm("moderation.moderate", is_moderator)
# Appeal against one's own block.
rules.add_perm("moderation.appeal", is_blocked)
