"""Every write about debates: open, edit, close with a conclusion, reopen.

Permission checks use the predicates of ``rules``; the ``*_refusal``
functions say, in words people read, why someone may not do something (the
pages show it instead of a bare "forbidden").
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.accounts.rules import participant_refusal
from wegov.core import activity
from wegov.core.audit import audit
from wegov.processes.models import Action, Process

from . import rules
from .models import CONCLUSION_MAX, DESCRIPTION_MAX, TITLE_MAX, Debate

KIND = "debate"


# --- Why not? -----------------------------------------------------------------------


def open_refusal(user, process: Process) -> str | None:
    """None when ``user`` may open a debate in ``process`` now, else why not."""
    reason = participant_refusal(user, _("open a debate"))
    if reason:
        return reason
    if not process.is_published:
        return _("This process is not published yet.")
    if rules.is_administration_side(user, process):
        return None
    if not process.citizens_may_open_debates:
        return _("In this process only the administration opens debates.")
    if not process.allows(Action.DEBATE):
        return _("Debates can only be opened while the process is in its debate phase.")
    return None


def close_refusal(user, debate: Debate) -> str | None:
    reason = participant_refusal(user, _("close a debate"))
    if reason:
        return reason
    if not debate.is_open:
        return _("This debate is already closed.")
    if not (
        rules.is_administration_side_of_debate(user, debate)
        or rules.is_citizen_author(user, debate)
    ):
        return _("Only the administration or the person who opened this debate can close it.")
    return None


def reopen_refusal(user, debate: Debate) -> str | None:
    reason = participant_refusal(user, _("reopen a debate"))
    if reason:
        return reason
    if not debate.is_closed:
        return _("This debate is open.")
    if not rules.may_reopen_debate(user, debate):
        return _("Only process managers can reopen a debate.")
    return None


def edit_refusal(user, debate: Debate) -> str | None:
    reason = participant_refusal(user, _("change a debate"))
    if reason:
        return reason
    if not rules.is_author(user, debate):
        return _("Only the person who opened this debate can change it.")
    if not debate.is_open:
        return _("A closed debate cannot be changed.")
    if debate.comment_count:
        return _(
            "People have already argued in this debate: it can no longer be changed, "
            "so that their arguments keep their meaning."
        )
    return None


# --- Validation ---------------------------------------------------------------------


def _clean_text(errors: dict, field: str, value: str, *, limit: int, empty: str) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        errors[field] = _("Remove the invisible control characters from the text.")
    elif not value:
        errors[field] = empty
    elif len(value) > limit:
        errors[field] = _("Use at most %(limit)s characters (you used %(count)s).") % {
            "limit": limit,
            "count": len(value),
        }
    return value


def _validate(process: Process, *, title: str, description: str, topic, district) -> dict:
    errors: dict[str, str] = {}
    cleaned = {
        "title": _clean_text(
            errors, "title", title, limit=TITLE_MAX, empty=_("Give the debate a title.")
        ),
        "description": _clean_text(
            errors,
            "description",
            description,
            limit=DESCRIPTION_MAX,
            empty=_("Describe what the debate is about."),
        ),
        "topic": topic,
        "district": district,
    }
    if process.district_id is not None:
        if district is not None and district.pk != process.district_id:
            errors["district"] = _("This process is about %(district)s only.") % {
                "district": process.district.name
            }
        cleaned["district"] = process.district
    if errors:
        raise ValidationError(errors)
    return cleaned


def _context(debate: Debate) -> dict:
    return {
        "process": debate.process_id,
        "district": debate.district_id,
        "topic": debate.topic_id,
    }


# --- Writes -------------------------------------------------------------------------


def debate_create(
    *, actor, process: Process, title: str, description: str, topic=None, district=None
) -> Debate:
    """Open a debate. The administration side opens it on behalf of the
    process's organisation ("Opened by <organisation>")."""
    reason = open_refusal(actor, process)
    if reason:
        raise PermissionDenied(reason)
    data = _validate(process, title=title, description=description, topic=topic, district=district)
    official = rules.is_administration_side(actor, process)
    with transaction.atomic():
        # A second click on "Open the debate" must not open it twice.
        if Debate.objects.filter(
            process=process, author=actor, title=data["title"], state=Debate.State.OPEN
        ).exists():
            raise ValidationError({"title": _("You already opened a debate with this title.")})
        debate = Debate.objects.create(
            process=process,
            author=actor,
            opened_by_organisation=process.organisation if official else None,
            **data,
        )
        if official:
            audit(
                actor=actor,
                action="debate.opened",
                target=debate,
                after={"organisation": process.organisation_id, "title": debate.title},
            )
        activity.publish(
            "debate.created",
            actor=actor,
            target_kind=KIND,
            target_id=debate.pk,
            context=_context(debate),
        )
    return debate


def debate_update(
    *, actor, debate: Debate, title: str, description: str, topic=None, district=None
) -> Debate:
    """Change a debate: its author, while it is open and nobody argued yet
    (changing the question under people's arguments would change their meaning)."""
    with transaction.atomic():
        debate = (
            Debate.objects.select_for_update(of=("self",))
            .select_related("process")
            .get(pk=debate.pk)
        )
        reason = edit_refusal(actor, debate)
        if reason:
            raise PermissionDenied(reason)
        data = _validate(
            debate.process, title=title, description=description, topic=topic, district=district
        )
        before = {"title": debate.title, "description": debate.description}
        for name, value in data.items():
            setattr(debate, name, value)
        debate.save(update_fields=[*data, "updated_at"])
        if debate.is_official:
            audit(
                actor=actor,
                action="debate.updated",
                target=debate,
                before=before,
                after={"title": debate.title, "description": debate.description},
            )
    return debate


def debate_close(*, actor, debate: Debate, conclusion: str) -> Debate:
    """Close a debate with its conclusion, which is published on its page."""
    errors: dict[str, str] = {}
    conclusion = _clean_text(
        errors,
        "conclusion",
        conclusion,
        limit=CONCLUSION_MAX,
        empty=_("Write the conclusion: a debate is closed with a published conclusion."),
    )
    with transaction.atomic():
        debate = (
            Debate.objects.select_for_update(of=("self",))
            .select_related("process")
            .get(pk=debate.pk)
        )
        reason = close_refusal(actor, debate)
        if reason:
            raise PermissionDenied(reason)
        if errors:
            raise ValidationError(errors)
        debate.state = Debate.State.CLOSED
        debate.conclusion = conclusion
        debate.closed_at = timezone.now()
        debate.closed_by = actor
        debate.save(update_fields=["state", "conclusion", "closed_at", "closed_by", "updated_at"])
        audit(
            actor=actor,
            action="debate.closed",
            target=debate,
            before={"state": Debate.State.OPEN},
            after={"state": Debate.State.CLOSED, "conclusion": conclusion},
        )
        activity.publish(
            "debate.closed",
            actor=actor,
            target_kind=KIND,
            target_id=debate.pk,
            context=_context(debate),
            notify=[debate.author_id],
            extra={"conclusion": conclusion[:200]},
        )
    return debate


def debate_reopen(*, actor, debate: Debate) -> Debate:
    """Reopen a closed debate (process managers). The conclusion is taken
    down; the audit log keeps it."""
    with transaction.atomic():
        debate = Debate.objects.select_for_update().get(pk=debate.pk)
        reason = reopen_refusal(actor, debate)
        if reason:
            raise PermissionDenied(reason)
        before = {
            "state": debate.state,
            "conclusion": debate.conclusion,
            "closed_at": debate.closed_at.isoformat(),
            "closed_by": debate.closed_by_id,
        }
        debate.state = Debate.State.OPEN
        debate.conclusion = ""
        debate.closed_at = None
        debate.closed_by = None
        debate.save(update_fields=["state", "conclusion", "closed_at", "closed_by", "updated_at"])
        audit(
            actor=actor,
            action="debate.reopened",
            target=debate,
            before=before,
            after={"state": Debate.State.OPEN},
        )
    return debate


def comment_count_set(*, debate_id: int, count: int) -> None:
    """Store the number of visible arguments (from "comment.count_changed")."""
    Debate.objects.filter(pk=debate_id).update(comment_count=max(int(count), 0))
