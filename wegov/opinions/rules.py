"""Who may do what with conversations (named predicates).

- Process managers and administrators create, edit, publish, close, import
  and export conversations, and see unpublished ones.
- Moderators, process managers and administrators accept or reject
  participants' statements, and remove statements already shown.
- Anyone may read a published conversation and its results.
- A participant (logged in, not blocked) votes and writes statements while
  the conversation is open; so may an anonymous browser when the organiser
  allows it (``allow_anonymous``). A blocked account may not, even though
  anonymous visitors may: it would be a way round the block that a
  moderator has decided on, so we say so instead.
"""

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegov.accounts.rules import (
    is_administrator,
    is_citizen,
    is_moderator,
    is_process_manager,
    participant_refusal,
)
from wegov.core import staff_pages

can_manage_conversations = is_process_manager | is_administrator
can_moderate_statements = is_moderator | is_process_manager | is_administrator


@rules.predicate
def conversation_is_public(user, conversation) -> bool:
    return conversation is not None and conversation.is_public


may_view_conversation = conversation_is_public | can_manage_conversations

rules.add_perm("opinions.manage_conversations", can_manage_conversations)  # object: optional
rules.add_perm("opinions.view_conversation", may_view_conversation)
rules.add_perm("opinions.moderate_statements", can_moderate_statements)

# The staff hub lists the organisers' page (moderators reach each
# conversation's queue from the conversation and from that page).
staff_pages.register(
    staff_pages.StaffPage(
        key="manage_conversations",
        label=gettext_lazy("Manage conversations"),
        description=gettext_lazy(
            "Conversations with their seed statements, moderation queues and opinion groups."
        ),
        url_name="opinions:manage",
        allowed="opinions.manage_conversations",
        order=23,
    )
)


def participation_refusal(user, conversation, doing: str | None = None) -> str | None:
    """Why ``user`` may not vote or write in ``conversation`` now (None: they may).

    Anonymous visitors may take part where the organiser allows it; the view
    then identifies their browser (``services.browser_participant``).
    """
    if not conversation.is_public:
        return _("This conversation is not published.")
    if not conversation.is_open:
        return _("This conversation is closed: its results stay, but it takes no more votes.")
    if not is_citizen(user) and conversation.allow_anonymous:
        return None
    return participant_refusal(user, doing)


def statement_refusal(user, conversation) -> str | None:
    """Why ``user`` may not add a statement now (None: they may)."""
    refusal = participation_refusal(user, conversation, doing=_("add a statement"))
    if refusal:
        return refusal
    if not conversation.allow_statements:
        return _("The organisers do not take new statements in this conversation.")
    return None
