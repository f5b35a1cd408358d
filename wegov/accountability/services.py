"""Every write about results: start tracking, edit, status and progress,
milestones, photos.

Conventions as elsewhere: keyword-only arguments; ``PermissionDenied`` (with a
reason) when the person may never do this, ``ValidationError`` (keyed by field
where there is one) when the input or the moment is wrong. Each write runs in
one transaction, leaves an audit entry, and announces itself through
``core.activity.publish`` so that followers of the result, of its process and
district and of the contribution it implements hear about it.

The contract for other apps (budgeting calls it for funded projects)::

    result_track(*, actor, source, title=None, ...) -> Result

``source`` is any instance of a registered contribution kind; calling it again
for the same source returns the existing result unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegov.accounts.models import Organisation
from wegov.core import registry
from wegov.core.activity import publish
from wegov.core.audit import audit
from wegov.places.models import District
from wegov.places.selectors import district_at, is_inside_city
from wegov.processes.models import Process
from wegov.reports.photos import process_photo

from .models import (
    ALT_MAX,
    BACKWARDS,
    CANCEL_REASON_MAX,
    DESCRIPTION_MAX,
    MILESTONE_TITLE_MAX,
    NOTE_MAX,
    TITLE_MAX,
    TRANSITIONS,
    Milestone,
    Result,
    ResultPhoto,
    ResultUpdate,
    Status,
)
from .registration import KIND
from .rules import may_create_result, may_edit_result

MAX_PHOTOS = 12
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HTML_MESSAGE = gettext_lazy("Write plain text: HTML tags such as <script> are not allowed.")

# Kinds whose contributions become results only in some statuses (their
# Presentation.status): a proposal once its official answer accepted it. Kinds
# not listed here are trackable in any status: the calling app decides (the
# budgeting app tracks the projects its published tally funded).
TRACKABLE_STATUSES: dict[str, frozenset[str]] = {
    "proposal": frozenset({"accepted"}),
    "budget_project": frozenset({"funded"}),
}

EDIT_REFUSAL = gettext_lazy(
    "Only administrators, process managers and staff of the responsible department "
    "can change this result."
)
CREATE_REFUSAL = gettext_lazy(
    "Only administrators, process managers and staff of the responsible department "
    "can track results."
)


@dataclass
class ResultData:
    """The details staff enter or correct (status and progress change apart)."""

    title: str
    description: str = ""
    process: Process | None = None
    department: Organisation | None = None
    district: District | None = None
    lat: float | None = None
    lon: float | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    budget_amount: int | None = None


def _plain(text: str | None) -> str:
    text = CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()


def _is_plain(text: str) -> bool:
    return HTML_TAG.search(text) is None


def _text(errors: dict, field: str, value: str, limit: int, *, one_line=False) -> str:
    value = _plain(value)
    if len(value) > limit:
        errors[field] = _("Use at most %(max)s characters.") % {"max": limit}
    elif one_line and "\n" in value:
        errors[field] = _("Write it on one line.")
    elif not _is_plain(value):
        errors[field] = HTML_MESSAGE
    return value


def _context(result: Result) -> dict:
    context = {"process": result.process_id, "district": result.district_id}
    if result.has_source:
        context.update(parent_kind=result.source_kind, parent_id=result.source_id)
    return context


def _snapshot(result: Result) -> dict:
    return {
        "title": result.title,
        "status": result.status,
        "progress": result.progress,
        "cancel_reason": result.cancel_reason,
        "department": result.department_id,
        "process": result.process_id,
        "district": result.district_id,
        "lat": result.lat,
        "lon": result.lon,
        "starts_on": result.starts_on.isoformat() if result.starts_on else None,
        "ends_on": result.ends_on.isoformat() if result.ends_on else None,
        "budget_amount": result.budget_amount,
    }


def _check_edit(actor, result: Result) -> None:
    if not may_edit_result(actor, result):
        raise PermissionDenied(EDIT_REFUSAL)


def _clean(data: ResultData) -> dict:
    errors: dict[str, str] = {}
    title = _text(errors, "title", data.title, TITLE_MAX, one_line=True)
    if not title and "title" not in errors:
        errors["title"] = _("Give the result a title.")
    description = _text(errors, "description", data.description, DESCRIPTION_MAX)
    lat, lon, district = data.lat, data.lon, data.district
    if (lat is None) != (lon is None):
        errors["location"] = _("Give both latitude and longitude, or neither.")
    elif lat is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors["location"] = _("That is not a valid location.")
        elif not is_inside_city(lat, lon):
            errors["location"] = _("This place is outside the city.")
        else:
            district = district_at(lat, lon) or district
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = _("The end date must not be before the start date.")
    if data.budget_amount is not None and data.budget_amount < 0:
        errors["budget_amount"] = _("The budget cannot be negative.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "process": data.process,
        "department": data.department,
        "district": district,
        "lat": lat,
        "lon": lon,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "budget_amount": data.budget_amount,
    }


def _start_log(result: Result, actor) -> None:
    ResultUpdate.objects.create(
        result=result,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=result.created_at,
        status=result.status,
        progress=result.progress,
    )


def _announce_tracked(actor, result: Result, notify=()) -> None:
    audit(actor=actor, action="result.tracked", target=result, after=_snapshot(result))
    publish(
        "result.tracked",
        actor=actor,
        target_kind=KIND,
        target_id=result.pk,
        context=_context(result),
        notify=[n for n in notify if n],
        public=not result.is_hidden,
    )


# --- Creating ---------------------------------------------------------------------------


def result_create(*, actor, data: ResultData) -> Result:
    """A commitment staff enter themselves (no source contribution)."""
    values = _clean(data)
    department = values["department"] or (
        values["process"].organisation if values["process"] else None
    )
    values["department"] = department
    if not may_create_result(actor, department):
        raise PermissionDenied(CREATE_REFUSAL)
    with transaction.atomic():
        result = Result.objects.create(created_by=actor, **values)
        _start_log(result, actor)
        _announce_tracked(actor, result)
    return result


def _district_by_slug(slug: str) -> District | None:
    return District.objects.filter(slug=slug).first() if slug else None


def source_refusal(source) -> str | None:
    """Why this contribution cannot become a result (None: it can)."""
    try:
        kind = registry.kind_of(source)
    except KeyError:
        return _("Only contributions such as proposals or budget projects can be tracked.")
    if kind.kind == KIND:
        return _("A result cannot implement another result.")
    if hasattr(source, kind.hidden_field) and kind.is_hidden(source):
        return _("This contribution is hidden by moderation.")
    shown = kind.present(source)
    allowed = TRACKABLE_STATUSES.get(kind.kind)
    if allowed is not None and shown.status not in allowed:
        if kind.kind == "proposal":
            return _("Only proposals the city accepted in its official answer can be tracked.")
        if kind.kind == "budget_project":
            return _("Only budget projects funded by the published results can be tracked.")
        return _("This contribution is not in a state that can be tracked.")
    return None


def result_for_source(source) -> Result | None:
    try:
        kind = registry.kind_of(source)
    except KeyError:
        return None
    return Result.objects.filter(source_kind=kind.kind, source_id=source.pk).first()


def result_track(
    *,
    actor,
    source,
    title: str | None = None,
    description: str | None = None,
    department: Organisation | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    budget_amount: int | None = None,
    status: str = Status.PLANNED,
    progress: int | None = None,
    authorised: bool = False,
) -> Result:
    """Start tracking the implementation of ``source`` (any registered
    contribution: an accepted proposal, a funded budget project).

    Idempotent per source: when a result already implements it, that result is
    returned unchanged. Title, summary, place, district and process come from
    the source's registry ``Presentation`` unless given; the department
    defaults to the organisation running the source's process. ``status`` may
    start the result at once as in progress or done (with ``progress``), e.g.
    for projects imported after the fact. ``authorised`` skips the permission
    check for callers that already checked it: the handler of a budget's
    published results, run for whoever published them (or the command line).
    """
    try:
        kind = registry.kind_of(source)
    except KeyError:
        raise ValidationError(source_refusal(source)) from None
    existing = Result.objects.filter(source_kind=kind.kind, source_id=source.pk).first()
    shown = kind.present(source)
    process = Process.objects.filter(pk=shown.process_id).select_related("organisation").first()
    department = department or (process.organisation if process else None)
    if existing is not None:
        if not authorised and not (
            may_edit_result(actor, existing) or may_create_result(actor, department)
        ):
            raise PermissionDenied(CREATE_REFUSAL)
        return existing
    if not authorised and not may_create_result(actor, department):
        raise PermissionDenied(CREATE_REFUSAL)
    reason = source_refusal(source)
    if reason:
        raise ValidationError(reason)
    values = _clean(
        ResultData(
            title=(shown.title if title is None else title)[:TITLE_MAX],
            description=shown.summary if description is None else description,
            process=process,
            department=department,
            district=_district_by_slug(shown.district),
            lat=shown.lat,
            lon=shown.lon,
            starts_on=starts_on,
            ends_on=ends_on,
            budget_amount=budget_amount,
        )
    )
    progress = _initial_progress(status, progress)
    try:
        with transaction.atomic():
            result = Result.objects.create(
                created_by=actor,
                source_kind=kind.kind,
                source_id=source.pk,
                status=status,
                progress=progress,
                status_changed_at=timezone.now() if status != Status.PLANNED else None,
                **values,
            )
            _start_log(result, actor)
            _announce_tracked(actor, result, notify=[shown.author_id])
    except IntegrityError:
        # Someone tracked the same source a moment earlier: theirs stands.
        existing = Result.objects.filter(source_kind=kind.kind, source_id=source.pk).first()
        if existing is None:
            raise
        return existing
    return result


def _initial_progress(status: str, progress: int | None) -> int:
    if status not in (Status.PLANNED, Status.IN_PROGRESS, Status.DONE):
        raise ValidationError({"status": _("A result starts planned, in progress or done.")})
    if status == Status.PLANNED:
        return 0
    if status == Status.DONE:
        return 100
    progress = 0 if progress is None else progress
    if not 0 <= progress <= 99:
        raise ValidationError({"progress": _("In progress means 0 to 99 percent.")})
    return progress


# --- Editing the details -----------------------------------------------------------------


def result_edit(*, actor, result: Result, data: ResultData) -> Result:
    """Correct the details: title, description, department, place, dates, budget."""
    _check_edit(actor, result)
    values = _clean(data)
    with transaction.atomic():
        result = Result.objects.select_for_update().get(pk=result.pk)
        _check_edit(actor, result)
        if values["department"] is None:
            values["department"] = result.department
        # Handing a result to another department: the new one must be yours
        # (or you are a process manager or administrator).
        if values["department"] != result.department and not may_create_result(
            actor, values["department"]
        ):
            raise PermissionDenied(CREATE_REFUSAL)
        before = _snapshot(result)
        for name, value in values.items():
            setattr(result, name, value)
        result.save(update_fields=[*values, "updated_at"])
        audit(
            actor=actor,
            action="result.edited",
            target=result,
            before=before,
            after=_snapshot(result),
        )
    return result


# --- Status and progress -------------------------------------------------------------------


def status_errors(
    result: Result, status: str, progress: int | None, note: str, cancel_reason: str
) -> dict:
    """What is wrong with moving ``result`` to this status and progress ({}: fine)."""
    errors: dict[str, str] = {}
    if status not in Status.values:
        errors["status"] = _("Choose planned, in progress, done or cancelled.")
        return errors
    if status not in TRANSITIONS[result.status]:
        errors["status"] = _("A result that is “%(old)s” cannot become “%(new)s”.") % {
            "old": Status(result.status).label,
            "new": Status(status).label,
        }
        return errors
    if status == Status.IN_PROGRESS:
        if progress is None:
            errors["progress"] = _("Enter the progress as a whole number from 0 to 99.")
        elif not 0 <= progress <= 99:
            errors["progress"] = _(
                "In progress means 0 to 99 percent: at 100 percent choose “Done” instead."
            )
    elif status == Status.CANCELLED and not cancel_reason:
        errors["cancel_reason"] = _("Explain publicly why the result was cancelled.")
    if status != Status.CANCELLED and cancel_reason:
        errors["cancel_reason"] = _("Only a cancelled result has a reason for cancelling.")
    new_progress = _target_progress(result, status, progress)
    backwards = (result.status, status) in BACKWARDS or (
        status == result.status and new_progress is not None and new_progress < result.progress
    )
    if backwards and not note and "progress" not in errors:
        errors["note"] = _("Going back needs a note: say publicly what happened.")
    unchanged = (
        status == result.status
        and new_progress == result.progress
        and cancel_reason == result.cancel_reason
    )
    if unchanged and not note and not errors:
        errors["note"] = _("Nothing changed: change the status or progress, or write a note.")
    return errors


def _target_progress(result: Result, status: str, progress: int | None) -> int | None:
    if status == Status.PLANNED:
        return 0
    if status == Status.DONE:
        return 100
    if status == Status.CANCELLED:
        return result.progress  # the work done so far stays on the record
    return progress


def result_update_status(
    *,
    actor,
    result: Result,
    status: str,
    progress: int | None = None,
    note: str = "",
    cancel_reason: str = "",
) -> Result:
    """Move a result to ``status`` with ``progress`` (in progress: 0..99; planned
    is 0 and done is 100 by definition; cancelling keeps the progress reached
    and needs ``cancel_reason``). Writes a public log entry, an audit entry,
    and tells the followers of the result, its process and its source."""
    _check_edit(actor, result)
    errors: dict[str, str] = {}
    note = _text(errors, "note", note, NOTE_MAX)
    cancel_reason = _text(errors, "cancel_reason", cancel_reason, CANCEL_REASON_MAX)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Result.objects.select_for_update().get(pk=result.pk)
        _check_edit(actor, locked)
        errors = status_errors(locked, status, progress, note, cancel_reason)
        if errors:
            raise ValidationError(errors)
        before = _snapshot(locked)
        previous_status, previous_progress = locked.status, locked.progress
        now = timezone.now()
        locked.progress = _target_progress(locked, status, progress)
        if status != locked.status:
            locked.status_changed_at = now
        locked.status = status
        locked.cancel_reason = cancel_reason if status == Status.CANCELLED else ""
        locked.save(
            update_fields=["status", "progress", "cancel_reason", "status_changed_at", "updated_at"]
        )
        ResultUpdate.objects.create(
            result=locked,
            author=actor,
            created_at=now,
            previous_status=previous_status,
            previous_progress=previous_progress,
            status=locked.status,
            progress=locked.progress,
            note=note,
        )
        audit(
            actor=actor,
            action="result.status_changed",
            target=locked,
            before=before,
            after=_snapshot(locked),
        )
        publish(
            "result.status_changed",
            actor=actor,
            target_kind=KIND,
            target_id=locked.pk,
            context=_context(locked),
            notify=[n for n in [_source_author(locked)] if n],
            public=not locked.is_hidden,
            extra={"status": locked.status, "progress": locked.progress},
        )
    for name in ("status", "progress", "cancel_reason", "status_changed_at", "updated_at"):
        setattr(result, name, getattr(locked, name))
    return result


def _source_author(result: Result) -> int | None:
    if not result.has_source:
        return None
    try:
        kind = registry.get_kind(result.source_kind)
        source = kind.get(result.source_id)
    except (KeyError, ObjectDoesNotExist):  # unknown kind, or the source is gone
        return None
    return kind.present(source).author_id


# --- Milestones -------------------------------------------------------------------------------


def milestone_add(
    *, actor, result: Result, title: str, description: str = "", due_on: dt.date | None = None
) -> Milestone:
    _check_edit(actor, result)
    errors: dict[str, str] = {}
    title = _text(errors, "title", title, MILESTONE_TITLE_MAX, one_line=True)
    if not title and "title" not in errors:
        errors["title"] = _("Give the milestone a title.")
    description = _text(errors, "description", description, NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        milestone = Milestone.objects.create(
            result=result, title=title, description=description, due_on=due_on
        )
        audit(
            actor=actor,
            action="result.milestone_added",
            target=result,
            after={
                "milestone": milestone.pk,
                "title": title,
                "due_on": due_on.isoformat() if due_on else None,
            },
        )
        Result.objects.filter(pk=result.pk).update(updated_at=timezone.now())
    return milestone


def milestone_mark_reached(
    *, actor, milestone: Milestone, reached_on: dt.date | None = None, reached: bool = True
) -> Milestone:
    """Mark a milestone reached (today by default), or not reached after all."""
    result = milestone.result
    _check_edit(actor, result)
    today = timezone.localdate()
    if reached:
        reached_on = reached_on or today
        if reached_on > today:
            raise ValidationError({"reached_on": _("A milestone cannot be reached in the future.")})
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        before = {"reached_on": milestone.reached_on.isoformat() if milestone.reached_on else None}
        milestone.reached_on = reached_on if reached else None
        milestone.save(update_fields=["reached_on"])
        audit(
            actor=actor,
            action="result.milestone_reached" if reached else "result.milestone_reopened",
            target=result,
            before=before,
            after={
                "milestone": milestone.pk,
                "reached_on": reached_on.isoformat() if reached else None,
            },
        )
        Result.objects.filter(pk=result.pk).update(updated_at=timezone.now())
        if reached:
            publish(
                "result.milestone_reached",
                actor=actor,
                target_kind=KIND,
                target_id=result.pk,
                context=_context(result),
                public=not result.is_hidden,
                extra={"milestone": milestone.title},
            )
    return milestone


def milestone_remove(*, actor, milestone: Milestone) -> None:
    result = milestone.result
    _check_edit(actor, result)
    with transaction.atomic():
        audit(
            actor=actor,
            action="result.milestone_removed",
            target=result,
            before={"milestone": milestone.pk, "title": milestone.title},
        )
        milestone.delete()


# --- Photos -------------------------------------------------------------------------------------


def photo_add(*, actor, result: Result, image, alt_text: str) -> ResultPhoto:
    """Add a photo: decoded and re-encoded (EXIF and GPS position dropped) by
    ``reports.photos.process_photo``; a description for screen readers is required."""
    _check_edit(actor, result)
    errors: dict[str, str] = {}
    alt_text = _text(errors, "alt_text", alt_text, ALT_MAX, one_line=True)
    if not alt_text and "alt_text" not in errors:
        errors["alt_text"] = _("Describe the photo for people who cannot see it.")
    if image is None:
        errors["image"] = _("Choose a photo.")
    if errors:
        raise ValidationError(errors)
    if result.photos.count() >= MAX_PHOTOS:
        raise ValidationError(
            {"image": _("A result can have at most %(max)s photos.") % {"max": MAX_PHOTOS}}
        )
    try:
        full, thumb, width, height = process_photo(image)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    with transaction.atomic():
        photo = ResultPhoto.objects.create(
            result=result,
            image=full,
            thumbnail=thumb,
            width=width,
            height=height,
            alt_text=alt_text,
            added_by=actor,
        )
        audit(
            actor=actor,
            action="result.photo_added",
            target=result,
            after={"photo": photo.pk, "alt_text": alt_text},
        )
        Result.objects.filter(pk=result.pk).update(updated_at=timezone.now())
    return photo


def photo_remove(*, actor, photo: ResultPhoto) -> None:
    result = photo.result
    _check_edit(actor, result)
    with transaction.atomic():
        audit(
            actor=actor,
            action="result.photo_removed",
            target=result,
            before={"photo": photo.pk, "alt_text": photo.alt_text},
        )
        image, thumb = photo.image, photo.thumbnail
        photo.delete()

        def delete_files() -> None:
            image.delete(save=False)
            thumb.delete(save=False)

        transaction.on_commit(delete_files)
