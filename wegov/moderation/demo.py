"""Demo moderation: a few flagged contributions waiting in the queue, one
hidden comment with a public reason, one blocked resident who appealed.

Rows are written directly (not through the services) so loading the demo
sends no email, like the other apps' demo data; only the visibility event
fires, so comment counts and feeds leave the hidden comment out.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from wegov.accounts.models import User
from wegov.core import registry
from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.audit import audit
from wegov.core.events import emit

from .models import Block, BlockAppeal, Flag, ModerationCase, Reason
from .services import author_id, visibility_changes

FLAG_DETAILS = {
    Reason.SPAM: "Same text posted under three proposals, with a link to a shop.",
    Reason.OFFENSIVE: "Calls the neighbours who disagree idiots.",
    Reason.OFF_TOPIC: "This is about parking fines, not about the park.",
    Reason.PERSONAL_DATA: "Gives the full name and street of a neighbour.",
    Reason.OTHER: "Looks like the same person writing under two names.",
}
HIDDEN_REASON = "Insults other participants (house rule 2: be respectful)."
BLOCK_NOTICE = (
    "You posted the same advertisement for your shop under many proposals and comments, "
    "after a warning. That breaks house rule 4 (no advertising)."
)
APPEAL_TEXT = (
    "I did not know advertising was not allowed; I thought it helped the neighbourhood. "
    "I will not post it again."
)


def _objects(value) -> list:
    if not value:
        return []
    if isinstance(value, dict):
        value = list(value.values())
    rows = []
    for item in value:
        rows.extend(item if isinstance(item, list | tuple) else [item])
    return rows


def _registered(objs):
    for obj in objs:
        try:
            kind = registry.kind_of(obj)
        except KeyError:
            continue
        if not kind.is_hidden(obj) and author_id(kind, obj):
            yield kind, obj


def _from_registry(kind_name: str) -> list:
    """Visible rows of a registered kind with an author (not deleted), oldest first."""
    try:
        kind = registry.get_kind(kind_name)
    except KeyError:
        return []
    rows = kind.visible().filter(**{f"{kind.author_field}__isnull": False})
    if "deleted_at" in {f.name for f in kind.model._meta.concrete_fields}:
        rows = rows.filter(deleted_at__isnull=True)
    return list(rows.order_by("pk")[:80])


def _candidates(demo, key: str, kind_name: str):
    """What earlier apps shared under ``key``, else the kind's rows in the database."""
    found = list(_registered(_objects(demo.shared.get(key)) or _from_registry(kind_name)))
    if found or key != "proposals":
        return found
    # Without proposals, flag problem reports.
    return list(_registered(_from_registry("report")))


def _flag(demo, kind, obj, flaggers, *, count, reason, now, state=ModerationCase.State.PENDING):
    rng = demo.rng
    author = author_id(kind, obj)
    people = [p for p in flaggers if p.pk != author][: max(count, 0)]
    rng.shuffle(people)
    case = ModerationCase.objects.create(
        target_kind=kind.kind,
        target_id=obj.pk,
        author_id=author,
        state=state,
        flag_count=len(people),
        last_flagged_at=now - dt.timedelta(hours=rng.randint(1, 30)),
    )
    Flag.objects.bulk_create(
        Flag(
            case=case,
            target_kind=kind.kind,
            target_id=obj.pk,
            reporter=person,
            reason=reason,
            details=FLAG_DETAILS.get(reason, "") if index == 0 else "",
        )
        for index, person in enumerate(people)
    )
    return case


def load(demo) -> None:
    rng = demo.rng
    now = timezone.now()
    citizens = list(demo.shared.get("citizens", []))
    moderator = (
        User.objects.filter(email="moderator@lindenbrug.example").first()
        or User.objects.filter(is_moderator=True).order_by("pk").first()
    )
    if len(citizens) < 8 or moderator is None:
        demo.say("  moderation: no citizens or moderator, skipped")
        return
    flaggers = citizens[1:]  # the demo log-in (citizens[0]) has flagged nothing

    flagged = 0
    proposals = _candidates(demo, "proposals", "proposal")
    comments = _candidates(demo, "comments", "comment")
    debates = _candidates(demo, "debates", "debate")
    waiting = rng.sample(proposals, min(3, len(proposals))) + rng.sample(
        comments, min(2, len(comments))
    )
    reasons = [Reason.SPAM, Reason.OFF_TOPIC, Reason.PERSONAL_DATA, Reason.OFFENSIVE, Reason.OTHER]
    for index, (kind, obj) in enumerate(waiting):
        sample = rng.sample(flaggers, 4)
        _flag(demo, kind, obj, sample, count=1 + index % 2, reason=reasons[index], now=now)
        flagged += 1

    # One hidden comment (else a debate or proposal) with a public reason.
    taken = {(k.kind, o.pk) for k, o in waiting}
    pool = [c for c in comments + debates + proposals if (c[0].kind, c[1].pk) not in taken]
    if pool:
        kind, obj = pool[0]
        case = _flag(
            demo,
            kind,
            obj,
            rng.sample(flaggers, 5),
            count=3,
            reason=Reason.OFFENSIVE,
            now=now,
            state=ModerationCase.State.HIDDEN,
        )
        changes = visibility_changes(
            kind.model,
            kind.hidden_field,
            hidden=True,
            reason=HIDDEN_REASON,
            now=now - dt.timedelta(hours=2),
            was_hidden=False,
        )
        kind.model._default_manager.filter(pk=obj.pk).update(**changes)
        # Counters and feeds drop it (after the demo's transaction commits); no email.
        emit(VISIBILITY_EVENT, kind=kind.kind, object_id=obj.pk, hidden=True)
        ModerationCase.objects.filter(pk=case.pk).update(
            decided_by=moderator,
            decided_at=now - dt.timedelta(hours=1),
            public_reason=HIDDEN_REASON,
            auto_hidden_at=now - dt.timedelta(hours=2),
        )
        audit(
            actor=moderator,
            action="moderation.hidden",
            target=obj,
            after={"hidden": True, "kind": kind.kind, "reason": HIDDEN_REASON},
        )

    # One blocked resident who appealed.
    blocked = rng.choice(citizens[5:])
    blocked_at = now - dt.timedelta(days=2)
    block = Block.objects.create(user=blocked, moderator=moderator, notice=BLOCK_NOTICE)
    Block.objects.filter(pk=block.pk).update(created_at=blocked_at)
    User.objects.filter(pk=blocked.pk).update(blocked_at=blocked_at, blocked_reason=BLOCK_NOTICE)
    blocked.blocked_at, blocked.blocked_reason = blocked_at, BLOCK_NOTICE
    BlockAppeal.objects.create(block=block, user=blocked, text=APPEAL_TEXT)
    audit(
        actor=moderator,
        action="moderation.user_blocked",
        target=blocked,
        after={"notice": BLOCK_NOTICE},
    )
    demo.say(
        f"  moderation: {flagged} flagged contributions waiting, "
        f"{1 if pool else 0} hidden, 1 blocked account with an appeal"
    )
