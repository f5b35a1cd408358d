"""Conversations and statements in the contribution registry, the
personal-data registry ("my data" and erasure), and the events the app
listens to."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core import personal_data, registry
from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.events import subscribe

from . import tasks
from .models import Conversation, Participant, Statement, Vote

CONVERSATION_KIND = "conversation"
STATEMENT_KIND = "statement"


def present_conversation(conversation: Conversation) -> registry.Presentation:
    process = conversation.process if conversation.process_id else None
    return registry.Presentation(
        kind=CONVERSATION_KIND,
        id=conversation.pk,
        title=conversation.topic,
        url=reverse("opinions:detail", args=[conversation.slug]),
        status="open" if conversation.is_open else "closed",
        summary=conversation.description[:200],
        category=process.topic.slug if process and process.topic_id else "",
        district=process.district.slug if process and process.district_id else "",
        public=conversation.is_public,
        process_id=conversation.process_id,
        author_id=None,
    )


registry.register(
    registry.ContributionKind(
        kind=CONVERSATION_KIND,
        label=_("Conversation"),
        model=Conversation,
        author_field="created_by",
        present=present_conversation,
        export_fields=(),
        # Conversations are written by the organisers (like polls): no comments
        # (the statements are the conversation), no flags, not on the map.
        flaggable=False,
    )
)


def present_statement(statement: Statement) -> registry.Presentation:
    conversation = statement.conversation
    return registry.Presentation(
        kind=STATEMENT_KIND,
        id=statement.pk,
        title=statement.text[:120],
        url=reverse("opinions:statement", args=[conversation.slug, statement.number]),
        status=statement.state,
        summary="",
        # As in Pol.is, statements are shown without their author's name and only
        # inside their conversation: never in feeds, search or on a profile.
        public=False,
        process_id=conversation.process_id,
        author_id=statement.author_id,
    )


registry.register(
    registry.ContributionKind(
        kind=STATEMENT_KIND,
        label=_("Statement in a conversation"),
        model=Statement,
        author_field="author",
        present=present_statement,
        export_fields=("number", "text", "state", "rejection_reason", "created_at"),
        # Flaggable: under post-moderation a statement is shown at once and a
        # moderator removes it through moderation's hide (the public reason
        # shows in its place; ``Statement.objects.shown()`` leaves it out).
        hidden_field="is_hidden",
        flaggable=True,
    )
)


@subscribe(VISIBILITY_EVENT)
def _statement_visibility_changed(*, kind: str, object_id: int, hidden: bool) -> None:
    """A hidden (or restored) statement leaves (or rejoins) the vote matrix."""
    if kind != STATEMENT_KIND:
        return
    conversation_id = (
        Statement.objects.filter(pk=object_id).values_list("conversation_id", flat=True).first()
    )
    if conversation_id is not None:
        tasks.schedule_recompute(conversation_id)


# --- Personal data ------------------------------------------------------------------------


def _export(user) -> dict:
    participations = Participant.objects.filter(user=user).select_related("conversation")
    votes = (
        Vote.objects.filter(participant__user=user)
        .select_related("statement", "conversation")
        .order_by("conversation_id", "statement__number")
    )
    statements = (
        Statement.objects.filter(author=user)
        .select_related("conversation")
        .order_by("conversation_id", "number")
    )
    return {
        "participations": [
            {
                "conversation": p.conversation.topic,
                "url": reverse("opinions:detail", args=[p.conversation.slug]),
                "participant_number": p.number,
                "joined_at": p.created_at.isoformat(),
            }
            for p in participations.order_by("created_at")
        ],
        "votes": [
            {
                "conversation": v.conversation.topic,
                "statement": v.statement.number,
                "statement_text": v.statement.text,
                "vote": str(Vote.Value(v.value).label),
                "value": v.value,
                "first_voted_at": v.created_at.isoformat(),
                "changed_at": v.updated_at.isoformat(),
            }
            for v in votes
        ],
        "statements": [
            {
                "conversation": s.conversation.topic,
                "number": s.number,
                "text": s.text,
                "state": s.state,
                "rejection_reason": s.rejection_reason,
                "hidden_by_moderation": s.is_hidden,
                "written_at": s.created_at.isoformat(),
            }
            for s in statements
        ],
    }


def _erase(user) -> None:
    """Detach the person from their participations and statements.

    As Pol.is does, the votes and statements stay, anonymous: the opinion
    groups, the results already published and the Pol.is export keep their
    meaning, and nothing left points to the person (a participant is known
    only by its number in the conversation). A statement keeps its
    ``author_participant``, which no longer names anyone.
    """
    Participant.objects.filter(user=user).update(user=None)
    Statement.objects.filter(author=user).update(author=None)


personal_data.register_section(
    personal_data.PersonalDataSection("conversations", _export, _erase, order=66)
)
