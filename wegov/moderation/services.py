"""Every write in moderation: flags, hiding and restoring, blocks and appeals.

Each action checks who may do it (``accounts.rules``), validates with a clear
message, runs in one transaction, takes a row lock on the contribution's case
(or the user) so concurrent moderators and flaggers serialise, writes an audit
entry, and announces itself: ``core.activity.VISIBILITY_EVENT`` when a
contribution's visibility changes, "user.blocked" / "user.unblocked", and the
activity verbs "moderation.hidden" and "moderation.user_blocked".
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.accounts.models import User
from wegov.accounts.rules import is_blocked, is_citizen, is_moderator
from wegov.core import registry
from wegov.core.activity import VISIBILITY_EVENT, publish
from wegov.core.audit import audit
from wegov.core.events import emit
from wegov.core.models import PENDING_REVIEW_REASON

from . import emails
from .models import (
    APPEAL_MAX,
    DETAILS_MAX,
    NOTE_MAX,
    NOTICE_MAX,
    PUBLIC_REASON_MAX,
    Block,
    BlockAppeal,
    Flag,
    ModerationCase,
    Reason,
)

# --- Looking up what is moderated ---------------------------------------------------


def resolve(kind_name: str, object_id) -> tuple[registry.ContributionKind, models.Model]:
    """The registered kind and the row (hidden or not); ``Http404`` if either is unknown."""
    try:
        kind = registry.get_kind(kind_name)
        return kind, kind.get(int(object_id))
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    except models.ObjectDoesNotExist as exc:
        raise Http404 from exc


def author_id(kind: registry.ContributionKind, obj: models.Model) -> int | None:
    """The author's user id, without loading the user."""
    return getattr(obj, kind.model._meta.get_field(kind.author_field).attname, None)


def hide_after_flags() -> int:
    """How many distinct people's flags hide a contribution until review (0: never)."""
    return max(int(getattr(settings, "WEGOV_MODERATION_HIDE_AFTER_FLAGS", 0) or 0), 0)


def _locked_case(kind: registry.ContributionKind, obj: models.Model) -> ModerationCase:
    case, _created = ModerationCase.objects.select_for_update().get_or_create(
        target_kind=kind.kind,
        target_id=obj.pk,
        defaults={"author_id": author_id(kind, obj)},
    )
    return case


def _fresh(kind: registry.ContributionKind, obj: models.Model) -> models.Model:
    """The row again, read after the case lock is held."""
    return kind.get(obj.pk)


def visibility_changes(
    model: type[models.Model], hidden_field: str, *, hidden: bool, reason: str, now, was_hidden
) -> dict:
    """The columns to write to hide or show a row; ``hidden_reason`` and
    ``hidden_at`` only where the model has them (``core.models.Moderated``)."""
    names = {f.name for f in model._meta.concrete_fields}
    changes: dict = {hidden_field: hidden}
    if "hidden_reason" in names:
        changes["hidden_reason"] = reason[:PUBLIC_REASON_MAX] if hidden else ""
    if "hidden_at" in names and not (hidden and was_hidden):
        changes["hidden_at"] = now if hidden else None
    return changes


def _set_hidden(kind, obj, *, hidden: bool, reason: str, now) -> bool:
    """Hide or show through the registry; True when visibility changed."""
    was_hidden = kind.is_hidden(obj)
    changes = visibility_changes(
        kind.model, kind.hidden_field, hidden=hidden, reason=reason, now=now, was_hidden=was_hidden
    )
    kind.model._default_manager.filter(pk=obj.pk).update(**changes)
    for name, value in changes.items():
        setattr(obj, name, value)
    if was_hidden != hidden:
        emit(VISIBILITY_EVENT, kind=kind.kind, object_id=obj.pk, hidden=hidden)
        return True
    return False


def _label(kind, obj) -> str:
    return f"{kind.kind} #{obj.pk}: {kind.present(obj).title}"[:200]


def _append_note(existing: str, moderator, note: str, now) -> str:
    note = note.strip()
    if not note:
        return existing
    line = f"{timezone.localtime(now):%Y-%m-%d %H:%M} {moderator.public_name}: {note}"
    return f"{existing}\n{line}" if existing else line


def _require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied(_("Only moderators can do this."))


def _too_long(value: str, limit: int) -> str:
    return _("Use at most %(limit)s characters (you wrote %(count)s).") % {
        "limit": limit,
        "count": len(value),
    }


# --- Flags ------------------------------------------------------------------------


def already_flagged_message() -> str:
    return _("You have already reported this. Moderators will look at it.")


def flag_refusal(user, kind: registry.ContributionKind, obj: models.Model) -> str | None:
    """Why the user may not flag this now, or None. Cheap: at most one query."""
    if not is_citizen(user):
        return _("Log in to report content.")
    if is_blocked(user):
        return _("Your account is blocked, so you cannot report content. You can appeal.")
    if not kind.flaggable:
        return _("This cannot be reported.")
    if author_id(kind, obj) == user.pk:
        return _("You cannot report your own contribution.")
    if kind.is_hidden(obj):
        return _("This is already hidden by the moderators.")
    if Flag.objects.filter(reporter=user, target_kind=kind.kind, target_id=obj.pk).exists():
        return already_flagged_message()
    return None


def flag(*, user, kind: str, object_id, reason: str, details: str = "") -> Flag:
    """Flag a contribution. When open flags from ``hide_after_flags()`` distinct
    people are reached, the contribution is hidden until a moderator decides.

    The returned flag has ``hid_target`` set to whether this flag hid it.
    """
    if not is_citizen(user):
        raise PermissionDenied(_("Log in to report content."))
    if is_blocked(user):
        raise PermissionDenied(
            _("Your account is blocked, so you cannot report content. You can appeal.")
        )
    kind_, obj = resolve(kind, object_id)
    details = (details or "").strip()
    errors = {}
    if reason not in Reason.values:
        errors["reason"] = _("Choose why you are reporting this.")
    elif reason == Reason.OTHER and not details:
        errors["details"] = _("Tell the moderators what is wrong.")
    if len(details) > DETAILS_MAX:
        errors["details"] = _too_long(details, DETAILS_MAX)
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    with transaction.atomic():
        case = _locked_case(kind_, obj)
        obj = _fresh(kind_, obj)
        refusal = flag_refusal(user, kind_, obj)
        if refusal:
            raise ValidationError(refusal)
        try:
            with transaction.atomic():
                new_flag = Flag.objects.create(
                    case=case,
                    target_kind=kind_.kind,
                    target_id=obj.pk,
                    reporter=user,
                    reason=reason,
                    details=details,
                )
        except IntegrityError as exc:  # the same person, twice at once
            raise ValidationError(already_flagged_message()) from exc
        open_flags = case.flags.filter(dismissed_at__isnull=True).count()
        case.flag_count = open_flags
        case.last_flagged_at = now
        # New flags after a decision (the content is visible again) need a new look.
        case.state = ModerationCase.State.PENDING
        threshold = hide_after_flags()
        hid = bool(threshold) and open_flags >= threshold
        if hid:
            _set_hidden(kind_, obj, hidden=True, reason=PENDING_REVIEW_REASON, now=now)
            case.auto_hidden_at = now
        case.save(
            update_fields=[
                "flag_count",
                "last_flagged_at",
                "state",
                "auto_hidden_at",
                "updated_at",
            ]
        )
        audit(
            actor=user,
            action="moderation.flagged",
            target=obj,
            label=_label(kind_, obj),
            after={"kind": kind_.kind, "reason": reason, "open_flags": open_flags},
        )
        if hid:
            audit(
                actor=None,
                action="moderation.hidden_pending_review",
                target=obj,
                label=_label(kind_, obj),
                before={"hidden": False},
                after={"hidden": True, "open_flags": open_flags, "threshold": threshold},
            )
    new_flag.hid_target = hid
    return new_flag


# --- Hiding and restoring ---------------------------------------------------------


def hide(
    *, moderator, kind: str, object_id, public_reason: str, internal_note: str = ""
) -> ModerationCase:
    """Hide a contribution with a reason shown to the public in its place."""
    _require_moderator(moderator)
    kind_, obj = resolve(kind, object_id)
    reason = (public_reason or "").strip()
    internal_note = (internal_note or "").strip()
    errors = {}
    if not reason:
        errors["public_reason"] = _("Give the reason the public will see instead of it.")
    elif len(reason) > PUBLIC_REASON_MAX:
        errors["public_reason"] = _too_long(reason, PUBLIC_REASON_MAX)
    if len(internal_note) > NOTE_MAX:
        errors["internal_note"] = _too_long(internal_note, NOTE_MAX)
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    with transaction.atomic():
        case = _locked_case(kind_, obj)
        obj = _fresh(kind_, obj)
        was_hidden = kind_.is_hidden(obj)
        _set_hidden(kind_, obj, hidden=True, reason=reason, now=now)
        case.state = ModerationCase.State.HIDDEN
        case.decided_by = moderator
        case.decided_at = now
        case.public_reason = reason
        case.internal_note = _append_note(case.internal_note, moderator, internal_note, now)
        case.save()
        audit(
            actor=moderator,
            action="moderation.hidden",
            target=obj,
            label=_label(kind_, obj),
            before={"hidden": was_hidden},
            after={"hidden": True, "kind": kind_.kind, "reason": reason},
        )
        author = author_id(kind_, obj)
        publish(
            "moderation.hidden",
            actor=moderator,
            target_kind=kind_.kind,
            target_id=obj.pk,
            notify=[author] if author else [],
            public=False,
            extra={"reason": reason},
        )
    return case


def unhide(*, moderator, kind: str, object_id, note: str = "") -> ModerationCase:
    """Show a contribution again (or keep it visible) and dismiss its open flags."""
    _require_moderator(moderator)
    kind_, obj = resolve(kind, object_id)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _too_long(note, NOTE_MAX)})

    now = timezone.now()
    with transaction.atomic():
        case = _locked_case(kind_, obj)
        obj = _fresh(kind_, obj)
        was_hidden = kind_.is_hidden(obj)
        _set_hidden(kind_, obj, hidden=False, reason="", now=now)
        dismissed = Flag.objects.filter(case=case, dismissed_at__isnull=True).update(
            dismissed_at=now
        )
        case.state = ModerationCase.State.RESTORED
        case.flag_count = 0
        case.auto_hidden_at = None
        case.public_reason = ""
        case.decided_by = moderator
        case.decided_at = now
        case.internal_note = _append_note(case.internal_note, moderator, note, now)
        case.save()
        audit(
            actor=moderator,
            action="moderation.restored",
            target=obj,
            label=_label(kind_, obj),
            before={"hidden": was_hidden, "open_flags": dismissed},
            after={"hidden": False, "kind": kind_.kind, "note": note},
        )
    return case


# --- Blocking accounts ------------------------------------------------------------


def block_user(*, moderator, user, notice: str) -> Block:
    """Stop an account from taking part. The person gets the notice and how to
    appeal, by email in their language and as a notification."""
    _require_moderator(moderator)
    notice = (notice or "").strip()
    if not notice:
        raise ValidationError(
            {"notice": _("Write the notice the person gets: which rule, and why.")}
        )
    if len(notice) > NOTICE_MAX:
        raise ValidationError({"notice": _too_long(notice, NOTICE_MAX)})
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot block yourself."))
    if user.is_superuser:
        raise ValidationError(_("Administrators cannot be blocked."))
    if not user.is_active or user.erased_at:
        raise ValidationError(_("This account is closed."))

    now = timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.blocked_at is not None:
            raise ValidationError(_("This account is already blocked."))
        try:
            with transaction.atomic():
                block = Block.objects.create(user=locked, moderator=moderator, notice=notice)
        except IntegrityError as exc:
            raise ValidationError(_("This account is already blocked.")) from exc
        User.objects.filter(pk=locked.pk).update(blocked_at=now, blocked_reason=notice)
        user.blocked_at, user.blocked_reason = now, notice
        audit(
            actor=moderator,
            action="moderation.user_blocked",
            target=locked,
            after={"notice": notice},
        )
        publish(
            "moderation.user_blocked",
            actor=moderator,
            target_kind="user",
            target_id=locked.pk,
            notify=[locked.pk],
            public=False,
            extra={"reason": notice},  # social shows extra.reason of moderation verbs
        )
        emit("user.blocked", user_id=locked.pk)
        transaction.on_commit(partial(emails.send_block_notice, block.pk))
    return block


def _lift(*, moderator, user, note: str, now) -> Block | None:
    """Lift the active block inside the caller's transaction (user row locked)."""
    block = Block.objects.select_for_update().filter(user=user, lifted_at__isnull=True).first()
    if block is not None:
        block.lifted_at, block.lifted_by, block.lift_note = now, moderator, note
        block.save(update_fields=["lifted_at", "lifted_by", "lift_note"])
    User.objects.filter(pk=user.pk).update(blocked_at=None, blocked_reason="")
    audit(
        actor=moderator,
        action="moderation.user_unblocked",
        target=user,
        after={"note": note},
    )
    emit("user.unblocked", user_id=user.pk)
    return block


def unblock_user(*, moderator, user, note: str = "") -> Block | None:
    """Let a blocked account take part again; an open appeal is closed as granted."""
    _require_moderator(moderator)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _too_long(note, NOTE_MAX)})
    if user.pk == moderator.pk:
        raise ValidationError(_("Another moderator must decide on your own block."))
    now = timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.blocked_at is None:
            raise ValidationError(_("This account is not blocked."))
        block = _lift(moderator=moderator, user=locked, note=note, now=now)
        BlockAppeal.objects.filter(user=locked, decided_at__isnull=True).update(
            decided_at=now,
            decided_by=moderator,
            decision=BlockAppeal.Decision.LIFTED,
            response=note,
        )
        user.blocked_at, user.blocked_reason = None, ""
        transaction.on_commit(partial(emails.send_unblock_notice, locked.pk))
    return block


# --- Appeals ----------------------------------------------------------------------


def appeal(*, user, text: str) -> BlockAppeal:
    """A blocked person asks for the block to be lifted; one open appeal at a time."""
    if not is_citizen(user):
        raise PermissionDenied(_("Log in to appeal."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Explain why the block should be lifted.")})
    if len(text) > APPEAL_MAX:
        raise ValidationError({"text": _too_long(text, APPEAL_MAX)})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.blocked_at is None:
            raise ValidationError(_("Your account is not blocked: there is nothing to appeal."))
        block = Block.objects.filter(user=locked, lifted_at__isnull=True).first()
        if block is None:  # blocked outside this app: keep the record complete
            block = Block.objects.create(user=locked, moderator=None, notice=locked.blocked_reason)
        if BlockAppeal.objects.filter(user=locked, decided_at__isnull=True).exists():
            raise ValidationError(_("You already sent an appeal. Moderators will answer it first."))
        try:
            with transaction.atomic():
                new_appeal = BlockAppeal.objects.create(block=block, user=locked, text=text)
        except IntegrityError as exc:
            raise ValidationError(
                _("You already sent an appeal. Moderators will answer it first.")
            ) from exc
        audit(actor=locked, action="moderation.appeal_sent", target=new_appeal)
    return new_appeal


def decide_appeal(*, moderator, appeal: BlockAppeal, lift: bool, response: str) -> BlockAppeal:
    """Grant (lift the block) or refuse an appeal, with an answer emailed to the person."""
    _require_moderator(moderator)
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write the answer the person gets.")})
    if len(response) > NOTE_MAX:
        raise ValidationError({"response": _too_long(response, NOTE_MAX)})
    if appeal.user_id == moderator.pk:
        raise ValidationError(_("Another moderator must decide on your own block."))
    now = timezone.now()
    with transaction.atomic():
        locked_user = User.objects.select_for_update().get(pk=appeal.user_id)
        locked = BlockAppeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.decided_at is not None:
            raise ValidationError(_("This appeal was already decided."))
        locked.decided_at, locked.decided_by = now, moderator
        locked.decision = BlockAppeal.Decision.LIFTED if lift else BlockAppeal.Decision.UPHELD
        locked.response = response
        locked.save(update_fields=["decided_at", "decided_by", "decision", "response"])
        if lift and locked_user.blocked_at is not None:
            _lift(moderator=moderator, user=locked_user, note=response, now=now)
        audit(
            actor=moderator,
            action="moderation.appeal_decided",
            target=locked,
            after={"decision": locked.decision, "response": response},
        )
        transaction.on_commit(partial(emails.send_appeal_decision, locked.pk))
    return locked
