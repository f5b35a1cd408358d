"""Small builders for the participation tests (helper T's; the other helpers
of issue 7 keep their own)."""

from __future__ import annotations

import itertools

from wegov.opinions.models import Conversation, Participant, Statement

_slugs = itertools.count(1)


def make_conversation(*, statements=(), **fields) -> Conversation:
    """A published, open conversation with accepted seed statements numbered 1, 2..."""
    n = next(_slugs)
    values = {
        "slug": f"conversation-{n}",
        "topic": f"Conversation {n}: a car-free centre?",
        "description": "What do you think?",
        "is_published": True,
    }
    values.update(fields)
    conversation = Conversation.objects.create(**values)
    for number, text in enumerate(statements, start=1):
        Statement.objects.create(
            conversation=conversation,
            number=number,
            text=text,
            is_seed=True,
            state=Statement.State.ACCEPTED,
        )
    return conversation


def make_participant(conversation, *, user=None, browser_key="", number=None) -> Participant:
    if number is None:
        number = conversation.participants.count() + 1
    return Participant.objects.create(
        conversation=conversation, number=number, user=user, browser_key=browser_key
    )


SEEDS = (
    "Cars should not enter the old town.",
    "Delivery vans need access in the morning.",
    "More bicycle parking is needed at the station.",
    "Shops will lose customers without parking.",
)
