"""Reads of the organisers' pages: conversations with their counts."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from .models import Conversation, OpinionAnalysis, Participant, Statement, Vote
from .selectors import count_per_conversation
from .services import normalised


def with_counts(conversations: QuerySet) -> QuerySet:
    """Statements shown, statements waiting for moderation, participants, votes,
    and the latest analysis's time and number of groups."""
    latest = OpinionAnalysis.objects.filter(conversation=OuterRef("pk")).order_by(
        "-computed_at", "-pk"
    )
    return conversations.annotate(
        shown_count=count_per_conversation(Statement.objects.shown()),
        pending_count=count_per_conversation(
            Statement.objects.filter(state=Statement.State.PENDING)
        ),
        participant_count=count_per_conversation(Participant.objects.all()),
        vote_count=count_per_conversation(Vote.objects.all()),
        analysed_at=Subquery(latest.values("computed_at")[:1]),
        analysis_groups=Subquery(latest.values("group_count")[:1]),
    )


def conversations_for_manager() -> QuerySet:
    """Every conversation, drafts included, newest first, with its counts."""
    return with_counts(
        Conversation.objects.select_related("process", "created_by").order_by("-created_at", "-pk")
    )


def conversation_for_manager(slug: str) -> Conversation:
    conversation = conversations_for_manager().filter(slug=slug).first()
    if conversation is None:
        raise Http404
    return conversation


def seed_statements(conversation: Conversation) -> QuerySet:
    """The organisers' statements of a conversation, in order."""
    return conversation.statements.filter(is_seed=True).order_by("number")


def existing_texts(conversation: Conversation) -> dict[str, int]:
    """Each statement's text (as duplicates are compared) and number: a seed
    statement may not repeat any of them, rejected ones included."""
    return {
        normalised(text): number
        for number, text in conversation.statements.order_by("-number").values_list(
            "number", "text"
        )
    }


def process_conversations(process) -> QuerySet:
    """The published conversations of a process, for its page (newest first)."""
    return with_counts(
        Conversation.objects.filter(process=process, is_published=True).order_by(
            "-created_at", "-pk"
        )
    )
