"""Organisers' writes: create, edit, publish and close conversations, add seed
statements, ask for a recomputation of the opinion groups.

Only process managers and administrators (``opinions.manage_conversations``)
write here; every action is audited. Participants' votes and statements, and
moderation, are in ``services`` (helper T's module).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wegov.core.audit import audit

from . import services, tasks
from .models import (
    DESCRIPTION_MAX,
    STATEMENT_MAX,
    TOPIC_MAX,
    Conversation,
)

# First path segments under /conversations/ that are not conversations.
RESERVED_SLUGS = frozenset({"manage"})
SLUG_BASE_MAX = 60  # leaves room for "-<n>" within the field's 80
MIN_VOTES_RANGE = (1, 100)  # the database's check constraint
# Fields of a conversation the audit log records before and after an edit.
AUDITED_FIELDS = (
    "topic",
    "description",
    "process_id",
    "allow_anonymous",
    "allow_statements",
    "moderation",
    "min_votes",
)


@dataclass
class ConversationInput:
    """What an organiser gives for a conversation (create or update)."""

    topic: str
    description: str = ""
    process: object | None = None  # processes.Process
    allow_anonymous: bool = False
    allow_statements: bool = True
    moderation: str = Conversation.Moderation.PRE
    min_votes: int = 7


def check_organiser(actor) -> None:
    if actor is None or not actor.has_perm("opinions.manage_conversations"):
        raise PermissionDenied(_("Only process managers can do this."))


def _snapshot(conversation: Conversation) -> dict:
    return {name: getattr(conversation, name) for name in AUDITED_FIELDS}


def _validate(data: ConversationInput) -> dict:
    errors: dict[str, str] = {}
    topic = " ".join((data.topic or "").split())
    if not topic:
        errors["topic"] = _("Write the topic of the conversation.")
    elif len(topic) > TOPIC_MAX:
        errors["topic"] = _("The topic can be at most %(max)s characters.") % {"max": TOPIC_MAX}
    description = (data.description or "").strip().replace("\r\n", "\n")
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("The description can be at most %(max)s characters.") % {
            "max": DESCRIPTION_MAX
        }
    if data.moderation not in Conversation.Moderation.values:
        errors["moderation"] = _("Choose when participants' statements are moderated.")
    low, high = MIN_VOTES_RANGE
    if not isinstance(data.min_votes, int) or not low <= data.min_votes <= high:
        errors["min_votes"] = _("Enter a number of votes from %(low)s to %(high)s.") % {
            "low": low,
            "high": high,
        }
    if errors:
        raise ValidationError(errors)
    return {
        "topic": topic,
        "description": description,
        "process": data.process,
        "allow_anonymous": bool(data.allow_anonymous),
        "allow_statements": bool(data.allow_statements),
        "moderation": data.moderation,
        "min_votes": data.min_votes,
    }


def slug_for(topic: str) -> str:
    """A free address for a new conversation, derived from its topic:
    "A car-free city centre?" becomes ``a-car-free-city-centre`` (then ``-2``, ``-3`` …)."""
    base = slugify(topic)[:SLUG_BASE_MAX].strip("-") or "conversation"
    taken = set(
        Conversation.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    ) | set(RESERVED_SLUGS)
    if base not in taken:
        return base
    for n in range(2, 1000):
        if f"{base}-{n}" not in taken:
            return f"{base}-{n}"
    return f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"


def statement_texts(lines: list[str]) -> list[str]:
    """The statements of the lines, cleaned, checked as a whole (the form names
    the offending line; this is the service's own guard)."""
    texts = [" ".join(line.split()) for line in lines]
    texts = [text for text in texts if text]
    if any(len(text) > STATEMENT_MAX for text in texts):
        raise ValidationError(
            {
                "seed_statements": _("A statement can have at most %(max)s characters.")
                % {"max": STATEMENT_MAX}
            }
        )
    return texts


def _add_seed_statements(*, actor, conversation: Conversation, texts: list[str]) -> list:
    """The organiser's seed statements, accepted at once, numbered after the
    conversation's last statement (``services.add_statement``, which locks the
    conversation). Runs inside the caller's transaction: a refused statement
    undoes the whole save."""
    added = []
    for line, text in enumerate(texts, start=1):
        try:
            added.append(
                services.add_statement(conversation=conversation, text=text, user=actor, seed=True)
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "seed_statements": [
                        _("Statement %(line)d: %(reason)s") % {"line": line, "reason": message}
                        for message in exc.messages
                    ]
                }
            ) from None
    return added


def conversation_create(
    *, actor, data: ConversationInput, seed_statements: list[str] = ()
) -> Conversation:
    """A new conversation, as an unpublished draft, with its seed statements."""
    check_organiser(actor)
    values = _validate(data)
    texts = statement_texts(list(seed_statements))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    slug=slug_for(values["topic"]),
                    created_by=actor,
                    is_published=False,
                    is_open=True,
                    **values,
                )
                statements = _add_seed_statements(
                    actor=actor, conversation=conversation, texts=texts
                )
                audit(
                    actor=actor,
                    action="conversation.created",
                    target=conversation,
                    after=_snapshot(conversation)
                    | {"slug": conversation.slug, "seed_statements": len(statements)},
                )
            return conversation
        except IntegrityError:
            # Another organiser took the same address at the same moment: try the next.
            continue
    raise ValidationError({"topic": _("Could not find a free address; try again.")})


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def conversation_update(
    *, actor, conversation: Conversation, data: ConversationInput, seed_statements=()
) -> Conversation:
    """Change the settings; new seed statements are added after the others.
    The address stays what it was: links to the conversation keep working."""
    check_organiser(actor)
    values = _validate(data)
    texts = statement_texts(list(seed_statements))
    with transaction.atomic():
        conversation = _locked(conversation)
        before = _snapshot(conversation)
        for name, value in values.items():
            setattr(conversation, name, value)
        conversation.save()
        after = _snapshot(conversation)
        changed = sorted(k for k in AUDITED_FIELDS if before[k] != after[k])
        statements = _add_seed_statements(actor=actor, conversation=conversation, texts=texts)
        if changed:
            audit(
                actor=actor,
                action="conversation.updated",
                target=conversation,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
            )
        if statements:
            audit(
                actor=actor,
                action="conversation.seed_statements_added",
                target=conversation,
                after={"numbers": [s.number for s in statements]},
            )
    return conversation


def _set_flag(
    *, actor, conversation: Conversation, field: str, value: bool, action: str, already: str
) -> Conversation:
    check_organiser(actor)
    with transaction.atomic():
        conversation = _locked(conversation)
        if getattr(conversation, field) == value:
            raise ValidationError(already)
        if field == "is_published" and value and not conversation.statements.shown().exists():
            raise ValidationError(
                _("Add at least one seed statement before publishing: participants vote on them.")
            )
        setattr(conversation, field, value)
        conversation.save(update_fields=[field, "updated_at"])
        audit(
            actor=actor,
            action=action,
            target=conversation,
            before={field: not value},
            after={field: value},
        )
    return conversation


def conversation_publish(*, actor, conversation: Conversation) -> Conversation:
    """Make the conversation public (once its process, if any, is published too)."""
    return _set_flag(
        actor=actor,
        conversation=conversation,
        field="is_published",
        value=True,
        action="conversation.published",
        already=_("This conversation is already published."),
    )


def conversation_unpublish(*, actor, conversation: Conversation) -> Conversation:
    """Take the conversation off the public pages; its votes and statements stay."""
    return _set_flag(
        actor=actor,
        conversation=conversation,
        field="is_published",
        value=False,
        action="conversation.unpublished",
        already=_("This conversation is not published."),
    )


def conversation_close(*, actor, conversation: Conversation) -> Conversation:
    """Take no more votes or statements; the results stay."""
    return _set_flag(
        actor=actor,
        conversation=conversation,
        field="is_open",
        value=False,
        action="conversation.closed",
        already=_("This conversation is already closed."),
    )


def conversation_reopen(*, actor, conversation: Conversation) -> Conversation:
    return _set_flag(
        actor=actor,
        conversation=conversation,
        field="is_open",
        value=True,
        action="conversation.reopened",
        already=_("This conversation is already open."),
    )


def recompute_request(*, actor, conversation: Conversation) -> bool:
    """Queue a recomputation of the opinion groups (never computed here);
    False when one is already queued."""
    check_organiser(actor)
    return tasks.schedule_recompute(conversation.pk)
