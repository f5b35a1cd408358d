"""Conversations to and from Pol.is openData exports (``opinions.polis``).

Import (``import_export``) makes one new conversation, unpublished and closed,
in one transaction:

- comments become statements with the same number (``comment-id``); removed
  ones (``moderated`` -1) are rejected with a reason saying so, the others
  accepted (Pol.is shows unmoderated comments, so they count as accepted);
- every voter and author becomes a participant with the Pol.is id as number
  and no user, so nobody is linked to an account;
- the latest vote of each voter on each comment becomes a vote, first cast at
  the voter's first vote on that comment and last changed at the latest.

Export (``export_conversation``) writes the conversation back in the same
format: participants and authors by number only, the latest vote per
participant and statement (the database keeps no vote history), group ids from
the latest opinion analysis (Pol.is counts groups from 0, our labels from 1).
Rejected and hidden statements are exported as removed (``moderated`` -1), as
Pol.is does; ``public=True`` (the download pages) leaves out their text and the
statements still waiting for moderation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from wegov.core.audit import audit

from . import polis
from .models import (
    DESCRIPTION_MAX,
    IMPORTED_STATEMENT_MAX,
    TOPIC_MAX,
    Conversation,
    OpinionAnalysis,
    Participant,
    Statement,
    Vote,
)

# Paths under /conversations/ that a slug must not take.
RESERVED_SLUGS = frozenset({"manage", "new"})
SLUG_MAX = 60  # leaves room for "-2" and below the field's 80
DATETIME_FORMAT = "%a %b %d %H:%M:%S %Z %Y"  # as Pol.is writes it: Mon Jul 17 02:17:32 CEST 2017
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MILLISECOND = dt.timedelta(milliseconds=1)


def removed_reason() -> str:
    return gettext("Removed by the moderators of the original Pol.is conversation.")


def from_millis(ms: int) -> dt.datetime:
    return EPOCH + ms * MILLISECOND


def to_millis(moment: dt.datetime) -> int:
    return (moment - EPOCH) // MILLISECOND


def datetime_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime(DATETIME_FORMAT)


def unique_slug(base: str) -> str:
    base = base[:SLUG_MAX].strip("-") or "polis"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Conversation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def slug_base(export: polis.PolisExport) -> str:
    # "london.youth.policing" reads better as london-youth-policing than slugify's run-together.
    return slugify(export.name.replace(".", "-").replace("_", "-")) or slugify(export.topic)


def check_consistent(export: polis.PolisExport) -> None:
    """What the database would refuse: votes on comments the export lacks, texts too long."""
    comment_ids = {c.id for c in export.comments}
    unknown = sorted({v.comment_id for v in export.votes} - comment_ids)
    if unknown:
        raise polis.PolisFormatError(
            f"{polis.VOTES} has votes on comments that {polis.COMMENTS} lacks: "
            + ", ".join(map(str, unknown[:10]))
        )
    unknown = sorted(
        {c for p in export.participants for c in p.votes} - comment_ids
        | set(export.matrix_columns) - comment_ids
    )
    if unknown:
        raise polis.PolisFormatError(
            f"{polis.PARTICIPANTS_VOTES} has columns for comments that {polis.COMMENTS} lacks: "
            + ", ".join(map(str, unknown[:10]))
        )
    for c in export.comments:
        if len(c.body) > IMPORTED_STATEMENT_MAX:
            raise polis.PolisFormatError(
                f"comment {c.id} is longer than {IMPORTED_STATEMENT_MAX} characters"
            )
        if not c.body.strip():
            raise polis.PolisFormatError(f"comment {c.id} has no text")
    if not export.topic.strip():
        raise polis.PolisFormatError(f"{polis.SUMMARY} has an empty topic")


def import_export(
    export: polis.PolisExport, *, slug: str | None = None, created_by=None
) -> Conversation:
    """A new, unpublished and closed conversation holding the export.

    Raises ``polis.PolisFormatError`` for exports the database cannot hold.
    """
    check_consistent(export)
    latest = export.latest_votes()
    first_voted: dict[tuple[int, int], int] = {}
    for row in export.votes:
        key = (row.comment_id, row.voter_id)
        first_voted[key] = min(first_voted.get(key, row.timestamp), row.timestamp)
    joined: dict[int, int] = {}
    for c in export.comments:
        joined[c.author_id] = min(joined.get(c.author_id, c.timestamp), c.timestamp)
    for row in export.votes:
        joined[row.voter_id] = min(joined.get(row.voter_id, row.timestamp), row.timestamp)
    now = timezone.now()
    reason = removed_reason()

    with transaction.atomic():
        conversation = Conversation.objects.create(
            slug=slug or unique_slug(slug_base(export)),
            topic=export.topic.strip()[:TOPIC_MAX],
            description=export.description.strip()[:DESCRIPTION_MAX],
            source_url=export.url[:200],
            is_published=False,
            is_open=False,
            created_by=created_by,
        )
        Participant.objects.bulk_create(
            [
                Participant(
                    conversation=conversation,
                    number=number,
                    created_at=from_millis(joined[number]) if number in joined else now,
                )
                for number in export.participant_ids()
            ],
            batch_size=2000,
        )
        participant_pks = dict(
            Participant.objects.filter(conversation=conversation).values_list("number", "pk")
        )
        statements = []
        for c in sorted(export.comments, key=lambda c: c.id):
            written = from_millis(c.timestamp)
            removed = c.moderated == polis.REMOVED
            statements.append(
                Statement(
                    conversation=conversation,
                    number=c.id,
                    text=c.body,
                    author_participant_id=participant_pks[c.author_id],
                    state=Statement.State.REJECTED if removed else Statement.State.ACCEPTED,
                    rejection_reason=reason if removed else "",
                    moderated_at=written if c.moderated != polis.UNMODERATED else None,
                    created_at=written,
                )
            )
        Statement.objects.bulk_create(statements, batch_size=2000)
        statement_pks = dict(
            Statement.objects.filter(conversation=conversation).values_list("number", "pk")
        )
        Vote.objects.bulk_create(
            [
                Vote(
                    conversation=conversation,
                    participant_id=participant_pks[row.voter_id],
                    statement_id=statement_pks[row.comment_id],
                    value=row.vote,
                    created_at=from_millis(first_voted[key]),
                    updated_at=from_millis(row.timestamp),
                )
                for key, row in sorted(latest.items())
            ],
            batch_size=5000,
        )
        audit(
            actor=created_by,
            action="conversation.imported",
            target=conversation,
            after={
                "source": export.url,
                "statements": len(statements),
                "participants": len(participant_pks),
                "votes": len(latest),
            },
        )
    return conversation


# -- export ------------------------------------------------------------------


def latest_groups(conversation: Conversation) -> tuple[dict[int, int], int]:
    """Participant number -> 0-based Pol.is group id from the latest analysis, and
    the number of groups (0 when there is no analysis)."""
    analysis = OpinionAnalysis.objects.filter(conversation=conversation).first()
    if analysis is None:
        return {}, 0
    groups = analysis.result.get("groups", [])
    members = {
        int(number): int(group["label"]) - 1 for group in groups for number in group["members"]
    }
    return members, len(groups)


def _moderated(statement: Statement) -> int:
    if statement.is_hidden or statement.state == Statement.State.REJECTED:
        return polis.REMOVED
    if statement.state == Statement.State.PENDING:
        return polis.UNMODERATED
    return polis.ACCEPTED


def export_conversation(conversation: Conversation, *, public: bool = False) -> polis.PolisExport:
    """The conversation as a Pol.is openData export (a pure read).

    With ``public`` the statements waiting for moderation are left out and the
    text of removed ones is blank: what the download pages give everyone.
    """
    statements = list(
        Statement.objects.filter(conversation=conversation)
        .select_related("author_participant")
        .order_by("number")
    )
    if public:
        statements = [s for s in statements if s.state != Statement.State.PENDING]
    numbers_of_users = dict(
        Participant.objects.filter(conversation=conversation, user__isnull=False).values_list(
            "user_id", "number"
        )
    )
    participant_numbers = list(
        Participant.objects.filter(conversation=conversation).values_list("number", flat=True)
    )
    # Statements written by organisers without taking part get one shared
    # number after every participant's: "the organisers".
    organisers = max(participant_numbers, default=-1) + 1
    statement_numbers = {s.pk: s.number for s in statements}

    votes = []
    rows = (
        Vote.objects.filter(conversation=conversation, statement_id__in=statement_numbers)
        .order_by("statement__number", "updated_at", "participant__number")
        .values_list("statement_id", "participant__number", "value", "updated_at")
    )
    for statement_id, voter, value, updated in rows.iterator(chunk_size=5000):
        votes.append((statement_numbers[statement_id], voter, value, updated))

    agrees = Counter(number for number, _, value, _ in votes if value == polis.AGREE)
    disagrees = Counter(number for number, _, value, _ in votes if value == polis.DISAGREE)
    comments = []
    for s in statements:
        if s.author_participant is not None:
            author = s.author_participant.number
        else:
            author = numbers_of_users.get(s.author_id, organisers)
        moderated = _moderated(s)
        comments.append(
            polis.Comment(
                id=s.number,
                author_id=author,
                timestamp=to_millis(s.created_at),
                datetime=datetime_text(s.created_at),
                body="" if public and moderated == polis.REMOVED else s.text,
                moderated=moderated,
                agrees=agrees[s.number],
                disagrees=disagrees[s.number],
            )
        )

    groups, group_count = latest_groups(conversation)
    per_voter: dict[int, dict[int, int]] = defaultdict(dict)
    for number, voter, value, _ in votes:
        per_voter[voter][number] = value
    authored = Counter(c.author_id for c in comments)
    participants = [
        polis.ParticipantRow(
            participant=voter,
            group_id=groups.get(voter),
            n_comments=authored[voter],
            n_votes=len(values),
            n_agree=sum(1 for v in values.values() if v == polis.AGREE),
            n_disagree=sum(1 for v in values.values() if v == polis.DISAGREE),
            votes=values,
        )
        for voter, values in sorted(per_voter.items())
    ]
    url = conversation.source_url or settings.WEGOV_BASE_URL + conversation.get_absolute_url()
    summary = {
        "topic": conversation.topic,
        "url": url,
        "views": str(len(participant_numbers)),  # we count participants, not page views
        "voters": str(len(participants)),
        "voters-in-conv": str(len(participants)),
        "commenters": str(len(authored)),
        "comments": str(len(comments)),
        "groups": str(group_count),
        "conversation-description": conversation.description,
    }
    return polis.PolisExport(
        comments=comments,
        votes=[
            polis.VoteRow(
                comment_id=number,
                voter_id=voter,
                vote=value,
                timestamp=to_millis(updated),
                datetime=datetime_text(updated),
            )
            for number, voter, value, updated in votes
        ],
        participants=participants,
        summary=summary,
        matrix_columns=[c.id for c in comments],
        has_xid=False,
        name=conversation.slug,
    )
