"""Who may do what in moderation (see accounts.rules for the roles)."""

import rules
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import is_blocked, is_moderator, is_participant
from wegov.core import staff_pages

# Flag a contribution or comment: anyone who may write (not blocked).
rules.add_perm("moderation.flag", is_participant)
# Work the queue: hide, restore, block, decide appeals.
rules.add_perm("moderation.moderate", is_moderator)
# Appeal against one's own block.
rules.add_perm("moderation.appeal", is_blocked)

# The staff hub lists this page for whoever the permission lets in.
staff_pages.register(
    staff_pages.StaffPage(
        key="moderation",
        label=_("Moderation"),
        description=_("Flagged contributions, blocked accounts and appeals."),
        url_name="moderation:queue",
        allowed="moderation.moderate",
        order=30,
    )
)
