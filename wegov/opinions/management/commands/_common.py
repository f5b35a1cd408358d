"""What the Pol.is and opinion-group commands share: finding a conversation by id."""

from __future__ import annotations

from wegov.core.commands import row_by_id
from wegov.opinions.models import Conversation


def conversation_by_id(value) -> Conversation:
    return row_by_id(Conversation, value, "conversation")
