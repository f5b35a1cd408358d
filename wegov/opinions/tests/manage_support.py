"""Small builders for the organisers' tests (no factories file is shared yet)."""

from __future__ import annotations

import itertools

from wegov.opinions.models import Conversation, Participant, Statement, Vote

_numbers = itertools.count(1)


def conversation(**fields) -> Conversation:
    n = next(_numbers)
    fields.setdefault("slug", f"conversation-{n}")
    fields.setdefault("topic", f"Conversation {n}")
    return Conversation.objects.create(**fields)


def statement(conversation, text: str, **fields) -> Statement:
    number = (
        conversation.statements.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    fields.setdefault("state", Statement.State.ACCEPTED)
    return Statement.objects.create(conversation=conversation, number=number, text=text, **fields)


def voter(conversation, number: int, votes: dict) -> Participant:
    """A participant with votes: {statement: value}."""
    participant = Participant.objects.create(
        conversation=conversation, number=number, browser_key=f"{number:064x}"
    )
    Vote.objects.bulk_create(
        Vote(conversation=conversation, participant=participant, statement=s, value=v)
        for s, v in votes.items()
    )
    return participant
