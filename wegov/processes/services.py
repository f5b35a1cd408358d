"""Every write about participatory processes and their phases.

Only process managers and administrators write here; every action is audited.
Citizens' actions inside a process (proposals, debates, comments) live in
their own apps and ask ``Process.allows`` whether the active phase permits them.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from wegov.core import activity
from wegov.core.audit import audit
from wegov.core.sanitize import clean_rich_text
from wegov.reports.photos import process_photo

from .models import Phase, PhaseKind, Process

# Paths under /processes/ that are not process pages.
RESERVED_SLUGS = frozenset({"manage"})
MAX_DESCRIPTION = 20_000
MAX_EDIT_MINUTES = 60 * 24 * 30
MAX_PHASES = 12
HERO_MAX_WIDTH = 960  # the page's content width: never wider than the layout
TAG = re.compile(r"<[^>]+>")

# Fields of a process the audit log records before and after an edit.
AUDITED_FIELDS = (
    "slug",
    "title",
    "summary",
    "scope",
    "district_id",
    "topic_id",
    "organisation_id",
    "hero_image_alt",
    "support_threshold",
    "supports_require_residence",
    "citizens_may_open_debates",
    "proposal_edit_minutes",
)


@dataclass
class ProcessInput:
    """What a manager gives for a process (create or update)."""

    title: str
    slug: str
    summary: str
    description: str
    organisation: object  # accounts.Organisation
    scope: str = Process.Scope.CITY
    district: object | None = None  # places.District
    topic: object | None = None
    hero_image: object | None = None  # an uploaded file: replaces the image
    remove_hero_image: bool = False
    hero_image_alt: str = ""
    support_threshold: int = 100
    supports_require_residence: bool = False
    citizens_may_open_debates: bool = False
    proposal_edit_minutes: int = 60 * 24


@dataclass
class PhaseInput:
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    title: str = ""
    description: str = ""
    id: int | None = None  # an existing phase of the process, to keep its identity
    extra: dict = field(default_factory=dict)


def check_manager(actor) -> None:
    if actor is None or not actor.has_perm("processes.manage_processes"):
        raise PermissionDenied(_("Only process managers can do this."))


def rich_text(text: str) -> str:
    """Sanitised HTML from what a manager typed: simple HTML as is (cleaned),
    plain text as paragraphs (blank lines) and line breaks."""
    text = (text or "").strip().replace("\r\n", "\n")
    if not TAG.search(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join(
            "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
            for p in paragraphs
        )
    return clean_rich_text(text).strip()


def _visible_text(markup: str) -> str:
    return html.unescape(TAG.sub("", markup)).strip()


def _validate(data: ProcessInput, *, process: Process | None) -> tuple[dict, object]:
    """Check a manager's input; returns (field values, processed hero image or None)."""
    errors: dict[str, str] = {}
    values: dict = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = _("Give the process a title.")
    elif len(title) > 150:
        errors["title"] = _("The title can be at most 150 characters.")
    values["title"] = title

    slug = (data.slug or "").strip().lower()
    if not slug:
        errors["slug"] = _("Give the process a short name for its address, like car-free-centre.")
    elif len(slug) > 80:
        errors["slug"] = _("The short name can be at most 80 characters.")
    else:
        try:
            validate_slug(slug)
        except ValidationError:
            errors["slug"] = _(
                "Use only lowercase letters, numbers and hyphens in the short name, "
                "like car-free-centre."
            )
        else:
            if slug in RESERVED_SLUGS:
                errors["slug"] = _("“%(slug)s” is reserved. Choose another short name.") % {
                    "slug": slug
                }
            elif (
                Process.objects.filter(slug=slug)
                .exclude(pk=process.pk if process else None)
                .exists()
            ):
                errors["slug"] = _(
                    "Another process already has the address “%(slug)s”. Choose another short name."
                ) % {"slug": slug}
    values["slug"] = slug

    summary = (data.summary or "").strip()
    if not summary:
        errors["summary"] = _("Summarise the process in a sentence or two.")
    elif len(summary) > 300:
        errors["summary"] = _("The summary can be at most 300 characters.")
    values["summary"] = summary

    description = rich_text(data.description)
    if not _visible_text(description):
        errors["description"] = _("Describe the process: what it is about and what happens.")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _("The description is too long (at most 20,000 characters).")
    values["description"] = description

    if data.scope not in Process.Scope.values:
        errors["scope"] = _("Choose whether the process is for the whole city or one district.")
    elif data.scope == Process.Scope.DISTRICT and data.district is None:
        errors["district"] = _("Choose the district of the process.")
    values["scope"] = data.scope
    values["district"] = data.district if data.scope == Process.Scope.DISTRICT else None
    values["topic"] = data.topic
    if data.organisation is None:
        errors["organisation"] = _("Choose the organisation that answers the proposals.")
    values["organisation"] = data.organisation

    if not isinstance(data.support_threshold, int) or not 1 <= data.support_threshold <= 1_000_000:
        errors["support_threshold"] = _("Enter a number of supports from 1 to 1,000,000.")
    values["support_threshold"] = data.support_threshold
    minutes = data.proposal_edit_minutes
    if not isinstance(minutes, int) or not 0 <= minutes <= MAX_EDIT_MINUTES:
        errors["proposal_edit_minutes"] = _("Enter a number of minutes from 0 to 43,200 (30 days).")
    values["proposal_edit_minutes"] = minutes
    values["supports_require_residence"] = bool(data.supports_require_residence)
    values["citizens_may_open_debates"] = bool(data.citizens_may_open_debates)

    alt = (data.hero_image_alt or "").strip()
    if len(alt) > 200:
        errors["hero_image_alt"] = _("The image description can be at most 200 characters.")
    will_have_image = data.hero_image is not None or (
        process is not None and bool(process.hero_image) and not data.remove_hero_image
    )
    if will_have_image and not alt:
        errors["hero_image_alt"] = _("Describe the image for people who cannot see it.")
    values["hero_image_alt"] = alt if will_have_image else ""

    image = None
    if data.hero_image is not None and "hero_image" not in errors:
        # Decoded and re-encoded (metadata stripped) before the transaction.
        try:
            image = hero_image(data.hero_image)
        except ValidationError as exc:
            errors["hero_image"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    return values, image


def hero_image(upload) -> tuple[ContentFile, int, int]:
    """Checked, re-encoded and stripped of metadata like report photos
    (``reports.photos``), then narrowed to the page's width."""
    full, _thumb, width, height = process_photo(upload)
    if width <= HERO_MAX_WIDTH:
        return full, width, height
    with Image.open(io.BytesIO(full.read())) as img:
        img.load()
        img.thumbnail((HERO_MAX_WIDTH, HERO_MAX_WIDTH * 4))
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=85, optimize=True)
        return ContentFile(buffer.getvalue(), name=full.name), img.width, img.height


def _slug_taken(slug: str) -> ValidationError:
    return ValidationError(
        {
            "slug": _(
                "Another process already has the address “%(slug)s”. Choose another short name."
            )
            % {"slug": slug}
        }
    )


def _snapshot(process: Process) -> dict:
    return {name: getattr(process, name) for name in AUDITED_FIELDS}


def _set_image(process: Process, image) -> None:
    full, width, height = image
    process.hero_image.save(full.name, full, save=False)
    process.hero_image_width, process.hero_image_height = width, height


def process_create(*, actor, data: ProcessInput) -> Process:
    """A new process, as an unpublished draft without phases."""
    check_manager(actor)
    values, image = _validate(data, process=None)
    process = Process(created_by=actor, is_published=False, **values)
    if image is not None:
        _set_image(process, image)
    try:
        with transaction.atomic():
            process.save()
            audit(actor=actor, action="process.created", target=process, after=_snapshot(process))
    except IntegrityError:
        # Two managers chose the same short name at the same moment.
        raise _slug_taken(values["slug"]) from None
    return process


def process_update(*, actor, process: Process, data: ProcessInput) -> Process:
    check_manager(actor)
    values, image = _validate(data, process=process)
    try:
        with transaction.atomic():
            process = Process.objects.select_for_update().get(pk=process.pk)
            before = _snapshot(process)
            for name, value in values.items():
                setattr(process, name, value)
            image_changed = image is not None or (data.remove_hero_image and process.hero_image)
            if image is not None:
                _set_image(process, image)
            elif data.remove_hero_image:
                process.hero_image = ""
                process.hero_image_width = process.hero_image_height = None
            process.save()
            after = _snapshot(process)
            changed = {k for k in AUDITED_FIELDS if before[k] != after[k]}
            if image_changed:
                changed.add("hero_image")
            audit(
                actor=actor,
                action="process.updated",
                target=process,
                before={k: before[k] for k in sorted(changed) if k in before},
                after={k: after[k] for k in sorted(changed) if k in after}
                | ({"hero_image": process.hero_image.name} if image_changed else {}),
            )
    except IntegrityError:
        raise _slug_taken(values["slug"]) from None
    return process


def _phase_label(index: int, phase: PhaseInput) -> str:
    try:
        kind = PhaseKind(phase.kind).label
    except ValueError:
        kind = phase.kind
    return _("Phase %(n)s (%(kind)s)") % {"n": index, "kind": kind}


def validate_phases(phases: Sequence[PhaseInput]) -> list[PhaseInput]:
    """Check phases; returns them in date order. Gaps between phases are
    allowed (nothing is open then); overlaps are not: one phase at a time
    decides what citizens can do."""
    errors: list[str] = []
    if len(phases) > MAX_PHASES:
        errors.append(_("A process can have at most %(n)s phases.") % {"n": MAX_PHASES})
    for index, phase in enumerate(phases, start=1):
        label = _phase_label(index, phase)
        if phase.kind not in PhaseKind.values:
            errors.append(_("%(phase)s: choose what kind of phase it is.") % {"phase": label})
        if not isinstance(phase.starts_on, dt.date) or not isinstance(phase.ends_on, dt.date):
            errors.append(_("%(phase)s: give a start and an end date.") % {"phase": label})
        elif phase.ends_on < phase.starts_on:
            errors.append(_("%(phase)s ends before it starts.") % {"phase": label})
        if len((phase.title or "").strip()) > 100:
            errors.append(
                _("%(phase)s: the title can be at most 100 characters.") % {"phase": label}
            )
        if len(phase.description or "") > 5000:
            errors.append(
                _("%(phase)s: the description can be at most 5,000 characters.") % {"phase": label}
            )
    if errors:
        raise ValidationError({"phases": errors})
    numbered = sorted(enumerate(phases, start=1), key=lambda item: (item[1].starts_on, item[0]))
    for (i, first), (j, second) in pairwise(numbered):
        if second.starts_on <= first.ends_on:
            errors.append(
                _("%(a)s and %(b)s overlap: a phase must start after the one before it ends.")
                % {"a": _phase_label(i, first), "b": _phase_label(j, second)}
            )
    if errors:
        raise ValidationError({"phases": errors})
    return [phase for _index, phase in numbered]


def refresh_dates(process: Process) -> None:
    """Store the first start and the last end of the phases on the process."""
    dates = list(process.phases.values_list("starts_on", "ends_on"))
    process.starts_on = min((s for s, _e in dates), default=None)
    process.ends_on = max((e for _s, e in dates), default=None)
    Process.objects.filter(pk=process.pk).update(
        starts_on=process.starts_on, ends_on=process.ends_on, updated_at=timezone.now()
    )


def renumber_phases(process: Process) -> None:
    """Positions 0, 1, 2... in date order (two passes: positions are unique)."""
    pks = list(process.phases.order_by("starts_on", "position").values_list("pk", flat=True))
    for offset, pk in enumerate(pks):
        Phase.objects.filter(pk=pk).update(position=20_000 + offset)
    for position, pk in enumerate(pks):
        Phase.objects.filter(pk=pk).update(position=position)


def _phase_record(phase: Phase) -> dict:
    return {
        "kind": phase.kind,
        "title": phase.title,
        "starts_on": phase.starts_on.isoformat(),
        "ends_on": phase.ends_on.isoformat(),
    }


def phases_save(*, actor, process: Process, phases: Sequence[PhaseInput]) -> list[Phase]:
    """Replace the process's phases with ``phases``, kept in date order.

    Phases given with the ``id`` of one of the process's phases are updated in
    place (they keep their identity and announcement); the others are created;
    the process's phases not given are deleted.
    """
    check_manager(actor)
    ordered = validate_phases(phases)
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        existing = {p.pk: p for p in process.phases.all()}
        if process.is_published and not ordered:
            raise ValidationError(
                {"phases": [_("A published process needs at least one phase. Unpublish it first.")]}
            )
        unknown = [p.id for p in ordered if p.id is not None and p.id not in existing]
        if unknown:
            raise ValidationError({"phases": [_("A phase does not belong to this process.")]})
        before = [_phase_record(p) for p in sorted(existing.values(), key=lambda p: p.position)]
        kept = {p.id for p in ordered if p.id is not None}
        Phase.objects.filter(process=process).exclude(pk__in=kept).delete()
        # Positions are unique per process: move the kept phases out of the way first.
        for offset, pk in enumerate(kept):
            Phase.objects.filter(pk=pk).update(position=1000 + offset)
        saved = []
        for position, data in enumerate(ordered):
            phase = existing.get(data.id) if data.id is not None else None
            phase = phase or Phase(process=process)
            phase.kind = data.kind
            phase.title = (data.title or "").strip()
            phase.description = (data.description or "").strip()
            phase.starts_on, phase.ends_on = data.starts_on, data.ends_on
            phase.position = position
            phase.save()
            saved.append(phase)
        refresh_dates(process)
        audit(
            actor=actor,
            action="process.phases_saved",
            target=process,
            before={"phases": before},
            after={"phases": [_phase_record(p) for p in saved]},
        )
    return saved


def _context(process: Process) -> dict:
    return {"process": process.pk, "district": process.district_id, "topic": process.topic_id}


def process_publish(*, actor, process: Process) -> Process:
    """Make the process public. The first publication is announced
    (``process.published``) to followers of its district and topic; publishing
    again after a correction is not."""
    check_manager(actor)
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        if process.is_published:
            raise ValidationError(_("This process is already published."))
        if not process.phases.exists():
            raise ValidationError(
                _("Add at least one phase with dates before publishing the process.")
            )
        first_time = process.published_at is None
        process.is_published = True
        if first_time:
            process.published_at = timezone.now()
        process.save(update_fields=["is_published", "published_at", "updated_at"])
        audit(
            actor=actor,
            action="process.published",
            target=process,
            before={"is_published": False},
            after={"is_published": True},
        )
        if first_time:
            activity.publish(
                "process.published",
                actor=actor,
                target_kind="process",
                target_id=process.pk,
                context=_context(process),
            )
    return process


def process_unpublish(*, actor, process: Process) -> Process:
    """Take the process off the public pages (its contributions stay stored)."""
    check_manager(actor)
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        if not process.is_published:
            raise ValidationError(_("This process is not published."))
        process.is_published = False
        process.save(update_fields=["is_published", "updated_at"])
        audit(
            actor=actor,
            action="process.unpublished",
            target=process,
            before={"is_published": True},
            after={"is_published": False},
        )
    return process


def announce_phase_starts(*, today: dt.date | None = None) -> int:
    """Publish ``process.phase_started`` once for each phase of a published
    process that starts today; returns how many were announced.

    Safe to run any number of times a day, from several workers at once: a
    phase is claimed by a conditional update before it is announced.
    """
    today = today or timezone.localdate()
    due = (
        Phase.objects.filter(process__is_published=True, starts_on=today)
        .exclude(announced_on__gte=today)
        .select_related("process")
    )
    announced = 0
    for phase in due:
        with transaction.atomic():
            claimed = (
                Phase.objects.filter(pk=phase.pk, starts_on=today)
                .exclude(announced_on__gte=today)
                .update(announced_on=today)
            )
            if not claimed:
                continue
            process = phase.process
            activity.publish(
                "process.phase_started",
                actor=None,
                target_kind="process",
                target_id=process.pk,
                context=_context(process),
                extra={"phase": phase.kind, "phase_id": phase.pk, "title": phase.display_title},
            )
            announced += 1
    return announced
