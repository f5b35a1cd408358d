"""What the Pol.is and opinion-group commands share: finding a conversation
by id, with a one-line ``CommandError`` instead of a traceback."""

from __future__ import annotations

from django.core.management.base import CommandError

from wegov.opinions.models import Conversation


def conversation_by_id(value) -> Conversation:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"{value!r} is not a conversation id (a whole number)") from None
    conversation = Conversation.objects.filter(pk=pk).first()
    if conversation is None:
        raise CommandError(f"There is no conversation with id {pk}.")
    return conversation
