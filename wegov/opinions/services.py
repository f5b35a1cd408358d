"""Every write of taking part in a conversation: participants, votes,
statements, and the moderators' decisions on statements.

Numbers (of participants and statements) are the next free number in the
conversation, allocated while the conversation's row is locked
(``select_for_update``), with the unique constraints as the last word.

A vote only writes its row and, once the transaction commits, asks
``tasks.schedule_recompute`` to queue a recomputation: no maths ever runs in
the request that records a vote.
"""

from __future__ import annotations

import hashlib
import random
import secrets

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.core.activity import publish
from wegov.core.audit import audit

from . import rules, tasks
from .models import (
    REJECTION_REASON_MAX,
    STATEMENT_MAX,
    Conversation,
    Participant,
    Statement,
    Vote,
)

STATEMENT_KIND = "statement"

# The anonymous participant's cookie: a random token; only its SHA-256 is stored.
BROWSER_COOKIE = "wegov_opinions_browser"
BROWSER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def new_browser_token() -> str:
    return secrets.token_urlsafe(32)


def browser_key_of(token: str | None) -> str:
    """The ``browser_key`` stored for a cookie token ("" for none or a malformed one)."""
    token = (token or "").strip()
    if not token or len(token) > 100:
        return ""
    return hashlib.sha256(token.encode()).hexdigest()


def normalised(text: str) -> str:
    """The text as duplicates are compared: spaces collapsed, case folded."""
    return " ".join((text or "").split()).casefold()


def _lock(conversation: Conversation) -> None:
    """Hold the conversation's row until the transaction ends: number
    allocation and the duplicate check run one at a time per conversation."""
    list(Conversation.objects.select_for_update().filter(pk=conversation.pk).values_list("pk"))


# --- Participants ---------------------------------------------------------------------


def participant_for(
    conversation: Conversation, *, user=None, browser_key: str = "", create: bool = False
) -> Participant | None:
    """The participant of a signed-in user (or else of an anonymous browser) in
    the conversation; with ``create``, made with the next free number if new.

    A signed-in user is always their own participant: an anonymous browser's
    earlier votes are not merged into the account (on a shared computer they
    may be someone else's).
    """
    if user is not None and not user.is_authenticated:
        user = None
    if user is not None:
        lookup = {"user": user}
    elif browser_key:
        lookup = {"browser_key": browser_key, "user__isnull": True}
    else:
        return None
    found = Participant.objects.filter(conversation=conversation, **lookup).first()
    if found is not None or not create:
        return found
    for _attempt in range(3):
        try:
            with transaction.atomic():
                _lock(conversation)
                found = Participant.objects.filter(conversation=conversation, **lookup).first()
                if found is not None:
                    return found
                number = (
                    Participant.objects.filter(conversation=conversation).aggregate(
                        top=Max("number")
                    )["top"]
                    or 0
                ) + 1
                return Participant.objects.create(
                    conversation=conversation,
                    number=number,
                    user=user,
                    browser_key="" if user is not None else browser_key,
                )
        except IntegrityError:
            # The same person in another request (one per user / per browser),
            # or a number taken where rows are not locked: look again.
            found = Participant.objects.filter(conversation=conversation, **lookup).first()
            if found is not None:
                return found
    raise IntegrityError("could not allocate a participant number")


# --- Votes ------------------------------------------------------------------------------


def vote_value(raw) -> int:
    """The stored value of ``agree`` / ``disagree`` / ``pass`` (or 1 / -1 / 0)."""
    names = {"agree": Vote.Value.AGREE, "disagree": Vote.Value.DISAGREE, "pass": Vote.Value.PASS}
    if isinstance(raw, str) and raw.strip().lower() in names:
        return int(names[raw.strip().lower()])
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if value not in Vote.Value.values:
        raise ValidationError({"value": _("Choose agree, disagree or pass.")}, code="invalid_vote")
    return value


def cast_vote(*, participant: Participant, statement: Statement, value: int) -> Vote:
    """Record or change the participant's vote on a shown statement."""
    if value not in Vote.Value.values:
        raise ValidationError({"value": _("Choose agree, disagree or pass.")})
    if statement.conversation_id != participant.conversation_id:
        raise ValidationError({"statement": _("This statement belongs to another conversation.")})
    if statement.state != Statement.State.ACCEPTED or statement.is_hidden:
        raise ValidationError({"statement": _("This statement is not open for votes.")})
    conversation = participant.conversation
    if not conversation.is_open:
        raise PermissionDenied(
            _("This conversation is closed: its results stay, but it takes no more votes.")
        )
    now = timezone.now()
    # One statement, whatever the case (new vote, changed vote, same vote
    # again): INSERT ... ON CONFLICT DO UPDATE, atomic by itself and safe
    # against the same participant's simultaneous requests.
    (vote,) = Vote.objects.bulk_create(
        [
            Vote(
                conversation_id=statement.conversation_id,
                participant=participant,
                statement=statement,
                value=value,
                created_at=now,
                updated_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["participant", "statement"],
        update_fields=["value", "updated_at"],
    )
    # After the commit (at once in autocommit; at the end of a caller's
    # transaction otherwise). Queuing is debounced: a vote that changed
    # nothing costs one cache lookup.
    conversation_id = statement.conversation_id
    transaction.on_commit(lambda: tasks.schedule_recompute(conversation_id))
    return vote


# --- What to vote on next ---------------------------------------------------------------


VOTE_COUNTS_SECONDS = 60  # how stale the "fewest votes" order may be


def _vote_counts_key(conversation_id: int) -> str:
    return f"opinions:vote-counts:{conversation_id}"


def statement_vote_counts(conversation: Conversation) -> dict[int, int]:
    """statement id -> number of votes, for choosing what to show next.

    One GROUP BY over the conversation's votes, cached for a minute: the order
    only spreads votes over the statements, and a request must not count
    millions of votes each time.
    """

    def count() -> dict[int, int]:
        rows = (
            Vote.objects.filter(conversation_id=conversation.pk)
            .order_by()
            .values_list("statement_id")
            .annotate(n=Count("pk"))
        )
        return dict(rows)

    return cache.get_or_set(_vote_counts_key(conversation.pk), count, VOTE_COUNTS_SECONDS)


def next_statement(conversation: Conversation, participant: Participant | None) -> Statement | None:
    """A shown statement the participant has not voted on: seed statements
    first, then those with the fewest votes (so new statements get votes).

    Ties are broken by a shuffle seeded with the participant's number, so
    participants see statements in different orders but one participant sees
    the same statement again on reload.
    """
    rows = Statement.objects.shown().filter(conversation=conversation)
    if participant is not None:
        rows = rows.exclude(
            pk__in=Vote.objects.filter(participant=participant).values("statement_id")
        )
    candidates = list(rows.values_list("pk", "is_seed"))
    if not candidates:
        return None
    counts = statement_vote_counts(conversation) if len(candidates) > 1 else {}
    shuffler = random.Random(f"{conversation.pk}:{participant.number if participant else 0}")
    order = {pk: shuffler.random() for pk in sorted(pk for pk, _seed in candidates)}
    pk = min(candidates, key=lambda row: (not row[1], counts.get(row[0], 0), order[row[0]]))[0]
    statement = Statement.objects.get(pk=pk)
    statement.conversation = conversation
    return statement


# --- Statements -------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"text": _("Write your statement.")})
    if len(text) > STATEMENT_MAX:
        raise ValidationError(
            {"text": _("Use at most %(limit)s characters.") % {"limit": STATEMENT_MAX}}
        )
    if "\x00" in text:
        raise ValidationError({"text": _("Remove the invisible control characters from the text.")})
    return text


def add_statement(
    *,
    conversation: Conversation,
    text: str,
    user=None,
    participant: Participant | None = None,
    seed: bool = False,
) -> Statement:
    """A new statement with the next free number.

    Seed statements (by the organisers) are accepted at once. A participant's
    statement waits for a moderator under pre-moderation and is shown at once
    under post-moderation; as in Pol.is its author agrees with it.
    """
    if user is not None and not user.is_authenticated:
        user = None
    text = _clean_text(text)
    if seed:
        if user is not None and not user.has_perm("opinions.manage_conversations"):
            raise PermissionDenied(_("Only the organisers write seed statements."))
    else:
        from django.contrib.auth.models import AnonymousUser

        refusal = rules.statement_refusal(user or AnonymousUser(), conversation)
        if refusal:
            raise PermissionDenied(refusal)
        if participant is None:
            if user is None:
                raise PermissionDenied(_("Log in to add a statement."))
            participant = participant_for(conversation, user=user, create=True)
        if participant.conversation_id != conversation.pk:
            raise ValidationError({"text": _("You take part in another conversation.")})
    now = timezone.now()
    accepted = seed or conversation.moderation == Conversation.Moderation.POST
    with transaction.atomic():
        _lock(conversation)
        wanted = normalised(text)
        existing = Statement.objects.filter(conversation=conversation).values_list(
            "text", flat=True
        )
        if any(normalised(other) == wanted for other in existing):
            raise ValidationError(
                {"text": _("This statement is already in the conversation: write something new.")},
                code="duplicate",
            )
        number = (
            Statement.objects.filter(conversation=conversation).aggregate(top=Max("number"))["top"]
            or 0
        ) + 1
        statement = Statement.objects.create(
            conversation=conversation,
            number=number,
            text=text,
            author=user,
            author_participant=participant,
            is_seed=seed,
            state=Statement.State.ACCEPTED if accepted else Statement.State.PENDING,
            moderated_by=user if seed else None,
            moderated_at=now if seed else None,
            created_at=now,
        )
        if participant is not None:
            Vote.objects.create(
                conversation=conversation,
                participant=participant,
                statement=statement,
                value=Vote.Value.AGREE,
                created_at=now,
                updated_at=now,
            )
        if accepted and participant is not None:
            transaction.on_commit(lambda: tasks.schedule_recompute(conversation.pk))
    return statement


def _require_moderator(moderator) -> None:
    if moderator is None or not moderator.has_perm("opinions.moderate_statements"):
        raise PermissionDenied(_("Only moderators decide on statements."))


def _decided(moderator, statement: Statement, verb: str, before: dict) -> None:
    audit(
        actor=moderator,
        action=f"opinions.statement_{verb}",
        target=statement,
        label=f"{STATEMENT_KIND} #{statement.pk}: {statement.text[:80]}",
        before=before,
        after={"state": statement.state, "reason": statement.rejection_reason},
    )
    publish(
        f"moderation.statement_{verb}",
        actor=moderator,
        target_kind=STATEMENT_KIND,
        target_id=statement.pk,
        context={"process": statement.conversation.process_id},
        notify=[statement.author_id] if statement.author_id else [],
        public=False,
        extra={"reason": statement.rejection_reason} if statement.rejection_reason else {},
    )
    conversation_id = statement.conversation_id
    transaction.on_commit(lambda: tasks.schedule_recompute(conversation_id))


def accept_statement(*, moderator, statement: Statement) -> Statement:
    """Show a statement waiting for moderation (or one rejected by mistake)."""
    _require_moderator(moderator)
    with transaction.atomic():
        statement = (
            Statement.objects.select_for_update()
            .select_related("conversation")
            .get(pk=statement.pk)
        )
        if statement.state == Statement.State.ACCEPTED:
            raise ValidationError(_("This statement is already accepted."))
        before = {"state": statement.state, "reason": statement.rejection_reason}
        statement.state = Statement.State.ACCEPTED
        statement.rejection_reason = ""
        statement.moderated_by = moderator
        statement.moderated_at = timezone.now()
        statement.save(update_fields=["state", "rejection_reason", "moderated_by", "moderated_at"])
        _decided(moderator, statement, "accepted", before)
    return statement


def reject_statement(*, moderator, statement: Statement, reason: str) -> Statement:
    """Refuse a statement waiting for moderation, with a reason its author reads.

    A statement already shown is removed through moderation's hide (it has
    votes, and the public sees the reason in its place) instead.
    """
    _require_moderator(moderator)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the statement.")})
    if len(reason) > REJECTION_REASON_MAX:
        raise ValidationError(
            {"reason": _("Use at most %(limit)s characters.") % {"limit": REJECTION_REASON_MAX}}
        )
    with transaction.atomic():
        statement = (
            Statement.objects.select_for_update()
            .select_related("conversation")
            .get(pk=statement.pk)
        )
        if statement.state != Statement.State.PENDING:
            raise ValidationError(_("Only statements waiting for moderation can be rejected."))
        before = {"state": statement.state, "reason": ""}
        statement.state = Statement.State.REJECTED
        statement.rejection_reason = reason
        statement.moderated_by = moderator
        statement.moderated_at = timezone.now()
        statement.save(update_fields=["state", "rejection_reason", "moderated_by", "moderated_at"])
        _decided(moderator, statement, "rejected", before)
    return statement
