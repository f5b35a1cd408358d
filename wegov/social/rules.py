"""Who may do what in the social layer."""

import rules

from wegov.accounts.rules import is_citizen, is_participant

# Following is taking part: blocked people may not start following (they may
# stop). Reading your own notifications and settings only needs an account.
rules.add_perm("social.follow", is_participant)
rules.add_perm("social.read_notifications", is_citizen)
rules.add_perm("social.edit_public_profile", is_citizen)
