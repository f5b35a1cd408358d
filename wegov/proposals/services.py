"""Every write about proposals: create, edit, withdraw, co-authors, supports, answers.

Conventions: keyword-only arguments; a ``PermissionDenied`` (with a reason)
when the person may never do this (anonymous, blocked, not the author, not a
resident), a ``ValidationError`` when the input or the moment is wrong (empty,
too long, HTML, phase closed, withdrawn). The ``*_refusal`` functions give the
same reasons to pages before anyone fills in a form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wegov.accounts.models import Membership, User
from wegov.accounts.rules import is_blocked, is_citizen, participant_refusal
from wegov.core.activity import publish
from wegov.core.audit import audit
from wegov.places.selectors import district_at, is_inside_city
from wegov.processes.models import Action, Process

from . import quality
from .attachments import MAX_ATTACHMENTS, check_attachment
from .models import BODY_MAX, TITLE_MAX, Coauthorship, Proposal, ProposalAttachment, Support
from .rules import is_proposal_author, is_proposal_writer, may_answer, may_support_as_resident

MAX_COAUTHORS = 5
ANSWER_MAX = 5000
ADDRESS_MAX = 250
ATTACHMENT_TITLE_MAX = 150
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
KIND = "proposal"
HTML_MESSAGE = gettext_lazy("Write plain text: HTML tags such as <script> are not allowed.")


@dataclass
class ProposalData:
    title: str
    body: str
    topic: object | None = None  # processes.Topic
    district: object | None = None  # places.District
    lat: float | None = None
    lon: float | None = None
    address: str = ""


@dataclass
class NewAttachment:
    file: object  # an uploaded file
    title: str = ""


def _context(proposal: Proposal) -> dict:
    return {
        "process": proposal.process_id,
        "district": proposal.district_id,
        "topic": proposal.topic_id,
    }


def _plain(text: str) -> str:
    """Normalise plain text: drop control characters, unify line ends, strip."""
    text = CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()


def is_plain_text(text: str) -> bool:
    """No HTML tags (a lone "<" or ">" as in "speed < 30" is fine)."""
    return HTML_TAG.search(text) is None


# --- Refusals: why someone may not do something now (None: they may) -------------


def _phase_name(process: Process) -> str:
    phase = process.active_phase
    return phase.display_title if phase else ""


def propose_refusal(user, process: Process) -> str | None:
    if not process.allows(Action.PROPOSE):
        phase = _phase_name(process)
        if phase:
            return _("The process is in its “%(phase)s” phase: it takes no new proposals now.") % {
                "phase": phase
            }
        return _("This process takes no proposals now.")
    return participant_refusal(user)


def supports_closed_reason(proposal: Proposal) -> str | None:
    """Why nobody can support this proposal now (None: supports are open)."""
    if proposal.is_hidden:
        return _("This proposal is hidden by moderation.")
    if proposal.is_withdrawn:
        return _("This proposal was withdrawn: it takes no more supports.")
    process = proposal.process
    if not process.allows(Action.SUPPORT):
        phase = _phase_name(process)
        if phase:
            return _("The process is in its “%(phase)s” phase: supports are closed.") % {
                "phase": phase
            }
        return _("Supports are closed in this process.")
    return None


def support_refusal(user, proposal: Proposal) -> str | None:
    reason = supports_closed_reason(proposal)
    if reason:
        return reason
    if not is_citizen(user):
        return _("Log in to support proposals.")
    reason = participant_refusal(user)
    if reason:
        return reason
    if not may_support_as_resident(user, proposal):
        return _("Only verified residents can support proposals in this process.")
    return None


def edit_refusal(user, proposal: Proposal, now: dt.datetime | None = None) -> str | None:
    if not is_proposal_writer(user, proposal):
        return _("Only the author and co-authors can change a proposal.")
    if proposal.is_hidden:
        return _("This proposal is hidden by moderation.")
    if proposal.is_withdrawn:
        return _("A withdrawn proposal cannot be changed.")
    if proposal.is_answered:
        return _("A proposal cannot be changed once the city has answered it.")
    if not proposal.process.allows(Action.PROPOSE):
        return _("Proposals can only be changed while the process takes proposals.")
    if not proposal.within_edit_time(now):
        return _("Proposals can be changed for %(minutes)s minutes after publishing.") % {
            "minutes": proposal.process.proposal_edit_minutes
        }
    return None


def withdraw_refusal(user, proposal: Proposal) -> str | None:
    if not is_proposal_author(user, proposal) or is_blocked(user):
        return _("Only the author can withdraw a proposal.")
    if proposal.is_withdrawn:
        return _("This proposal is already withdrawn.")
    return None


def answer_refusal(user, proposal: Proposal) -> str | None:
    if not may_answer(user, proposal):
        return _(
            "Only staff of the organisation responsible for the process, process managers "
            "and administrators can answer proposals."
        )
    if proposal.is_hidden:
        return _("This proposal is hidden by moderation.")
    if proposal.is_withdrawn:
        return _("A withdrawn proposal is not answered.")
    return None


def _refuse(reason: str | None, *, permission: bool = False) -> None:
    if reason:
        raise PermissionDenied(reason) if permission else ValidationError(reason)


# --- Writing a proposal ------------------------------------------------------------


def _clean(process: Process, data: ProposalData) -> dict:
    """Checked, normalised field values; raises ValidationError keyed by field."""
    errors: dict[str, str] = {}
    title = _plain(data.title)
    body = _plain(data.body)
    address = _plain(data.address)
    if not title:
        errors["title"] = _("Give your proposal a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title can be at most %(max)s characters.") % {"max": TITLE_MAX}
    elif "\n" in title:
        errors["title"] = _("The title must be one line.")
    elif not is_plain_text(title):
        errors["title"] = HTML_MESSAGE
    if not body:
        errors["body"] = _("Describe your proposal.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("The proposal can be at most %(max)s characters.") % {"max": BODY_MAX}
    elif not is_plain_text(body):
        errors["body"] = HTML_MESSAGE
    if len(address) > ADDRESS_MAX:
        errors["address"] = _("The address can be at most %(max)s characters.") % {
            "max": ADDRESS_MAX
        }
    elif not is_plain_text(address):
        errors["address"] = HTML_MESSAGE

    lat, lon = data.lat, data.lon
    point_district = None
    if (lat is None) != (lon is None):
        errors["location"] = _("Give both latitude and longitude, or neither.")
    elif lat is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors["location"] = _("That is not a valid location.")
        elif not is_inside_city(lat, lon):
            errors["location"] = _("This place is outside the city.")
        else:
            point_district = district_at(lat, lon)

    district = point_district or data.district
    if process.scope == Process.Scope.DISTRICT:
        if lat is not None and point_district is not None and point_district != process.district:
            errors["location"] = _(
                "This process is about %(district)s: choose a place in that district."
            ) % {"district": process.district.name}
        district = process.district
    topic = data.topic
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "body": body,
        "address": address,
        "lat": lat,
        "lon": lon,
        "district": district,
        "topic": topic,
    }


def _check_attachments(items: Sequence[NewAttachment], existing: int = 0):
    """Decode and re-encode before the transaction: slow, and a bad file refuses all."""
    if existing + len(items) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachment": _("A proposal can have at most %(max)s attachments.")
                % {"max": MAX_ATTACHMENTS}
            }
        )
    checked = []
    for item in items:
        title = _plain(item.title)
        if not title:
            raise ValidationError({"attachment_title": _("Give the attachment a title.")})
        if len(title) > ATTACHMENT_TITLE_MAX or not is_plain_text(title):
            raise ValidationError(
                {
                    "attachment_title": _(
                        "The attachment title is plain text of at most %(max)s characters."
                    )
                    % {"max": ATTACHMENT_TITLE_MAX}
                }
            )
        try:
            checked.append((title, check_attachment(item.file)))
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from None
    return checked


def _save_attachments(proposal: Proposal, checked) -> None:
    for title, file in checked:
        ProposalAttachment.objects.create(
            proposal=proposal,
            title=title,
            file=file.content,
            kind=file.kind,
            content_type=file.content_type,
            size=file.size,
        )


def proposal_create(
    *,
    actor,
    process: Process,
    data: ProposalData,
    attachments: Sequence[NewAttachment] = (),
) -> Proposal:
    """Publish a new proposal in a process that takes proposals now."""
    _refuse(participant_refusal(actor), permission=True)
    _refuse(propose_refusal(actor, process))
    values = _clean(process, data)
    checked = _check_attachments(attachments)
    with transaction.atomic():
        proposal = Proposal.objects.create(process=process, author=actor, **values)
        _save_attachments(proposal, checked)
        quality.score(proposal)
        publish(
            "proposal.created",
            actor=actor,
            target_kind=KIND,
            target_id=proposal.pk,
            context=_context(proposal),
        )
    return proposal


def proposal_update(
    *,
    actor,
    proposal: Proposal,
    data: ProposalData,
    add_attachments: Sequence[NewAttachment] = (),
    remove_attachments: Iterable[int] = (),
) -> Proposal:
    """Change a proposal within the process's grace period (author or co-author)."""
    _refuse(participant_refusal(actor), permission=True)
    with transaction.atomic():
        process = proposal.process
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal.process = process
        if not is_proposal_writer(actor, proposal):
            raise PermissionDenied(_("Only the author and co-authors can change a proposal."))
        _refuse(edit_refusal(actor, proposal))
        values = _clean(proposal.process, data)
        remove = set(remove_attachments)
        kept = proposal.attachments.exclude(pk__in=remove).count()
        checked = _check_attachments(add_attachments, existing=kept)
        for name, value in values.items():
            setattr(proposal, name, value)
        proposal.save(update_fields=[*values, "updated_at"])
        quality.score(proposal)
        if remove:
            for attachment in proposal.attachments.filter(pk__in=remove):
                attachment.file.delete(save=False)
                attachment.delete()
        _save_attachments(proposal, checked)
    return proposal


def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    """The author takes the proposal back; it stays visible, marked withdrawn."""
    _refuse(participant_refusal(actor), permission=True)
    with transaction.atomic():
        process = proposal.process
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal.process = process
        if not is_proposal_author(actor, proposal):
            raise PermissionDenied(_("Only the author can withdraw a proposal."))
        _refuse(withdraw_refusal(actor, proposal))
        proposal.state = Proposal.State.WITHDRAWN
        proposal.withdrawn_at = timezone.now()
        proposal.save(update_fields=["state", "withdrawn_at", "updated_at"])
        publish(
            "proposal.withdrawn",
            actor=actor,
            target_kind=KIND,
            target_id=proposal.pk,
            context=_context(proposal),
        )
    return proposal


# --- Co-authors ----------------------------------------------------------------------


def coauthor_invite(*, actor, proposal: Proposal, email: str) -> Coauthorship | None:
    """Invite the participant with this email address to co-author.

    Returns None when no participant has that address: pages say the same
    in both cases, so nobody learns who has an account.
    """
    _refuse(participant_refusal(actor), permission=True)
    if not is_proposal_author(actor, proposal):
        raise PermissionDenied(_("Only the author can invite co-authors."))
    if proposal.is_withdrawn or proposal.is_hidden:
        raise ValidationError(_("A withdrawn or hidden proposal takes no co-authors."))
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Enter an email address like name@example.org.")}
        ) from None
    invitee = User.objects.filter(email__iexact=email, is_active=True).first()
    if invitee is None or invitee.erased_at or invitee.blocked_at:
        return None
    if invitee.pk == proposal.author_id:
        raise ValidationError({"email": _("You are the author already.")})
    with transaction.atomic():
        Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
        existing = Coauthorship.objects.filter(proposal=proposal, user=invitee).first()
        if existing is not None:
            return existing
        if Coauthorship.objects.filter(proposal=proposal).count() >= MAX_COAUTHORS:
            raise ValidationError(
                {
                    "email": _("A proposal can have at most %(max)s co-authors.")
                    % {"max": MAX_COAUTHORS}
                }
            )
        try:
            with transaction.atomic():
                invitation = Coauthorship.objects.create(
                    proposal=proposal, user=invitee, invited_by=actor
                )
        except IntegrityError:
            return Coauthorship.objects.get(proposal=proposal, user=invitee)
        publish(
            "proposal.coauthor_invited",
            actor=actor,
            target_kind=KIND,
            target_id=proposal.pk,
            context=_context(proposal),
            notify=[invitee.pk],
            public=False,
        )
    return invitation


def coauthor_respond(*, actor, proposal: Proposal, accept: bool) -> Coauthorship | None:
    """The invitee accepts (becomes co-author) or declines (the invitation goes)."""
    _refuse(participant_refusal(actor), permission=True)
    with transaction.atomic():
        invitation = (
            Coauthorship.objects.select_for_update()
            .filter(proposal=proposal, user=actor, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            raise ValidationError(_("There is no open invitation for you on this proposal."))
        if not accept:
            invitation.delete()
            return None
        if proposal.is_withdrawn:
            raise ValidationError(_("This proposal was withdrawn."))
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return invitation


def coauthor_remove(*, actor, proposal: Proposal, user) -> None:
    """The author takes a co-author (or an open invitation) off the proposal, or
    a co-author leaves it. Others may do neither."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    if actor.pk not in (proposal.author_id, user.pk):
        raise PermissionDenied(
            _("Only the author can remove co-authors; co-authors can only leave themselves.")
        )
    with transaction.atomic():
        removed, _rows = Coauthorship.objects.filter(proposal=proposal, user=user).delete()
    if not removed:
        raise ValidationError(_("This person is not a co-author of this proposal."))


# --- Supports --------------------------------------------------------------------------


def _check_support(actor, proposal: Proposal) -> None:
    reason = support_refusal(actor, proposal)
    if reason is None:
        return
    if participant_refusal(actor) or not may_support_as_resident(actor, proposal):
        raise PermissionDenied(reason)
    raise ValidationError(reason)


def _qualify(proposal: Proposal, now: dt.datetime) -> None:
    """Mark the proposal qualified (once) and tell the responsible organisation."""
    updated = Proposal.objects.filter(pk=proposal.pk, qualified_at__isnull=True).update(
        qualified_at=now
    )
    if not updated:
        return
    proposal.qualified_at = now
    members = Membership.objects.filter(
        organisation_id=proposal.process.organisation_id
    ).values_list("user_id", flat=True)
    publish(
        "proposal.qualified",
        actor=None,
        target_kind=KIND,
        target_id=proposal.pk,
        context=_context(proposal),
        notify=list(members),
        extra={"support_count": proposal.support_count},
    )


def support_add(*, actor, proposal: Proposal) -> bool:
    """Support a proposal. Returns False when the person had already supported it.

    The proposal row is locked (``select_for_update``) while the support is
    inserted and the count incremented with ``F()``, so concurrent clicks
    never lose or double a count; the unique constraint is the last word on
    "one per person".
    """
    _check_support(actor, proposal)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            locked.process = proposal.process
            _check_support(actor, locked)
            if Support.objects.filter(proposal=locked, user=actor).exists():
                return False
            Support.objects.create(proposal=locked, user=actor, created_at=now)
            Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
            locked.refresh_from_db(fields=["support_count", "qualified_at"])
            threshold = locked.process.support_threshold
            if locked.qualified_at is None and threshold and locked.support_count >= threshold:
                _qualify(locked, now)
    except IntegrityError:
        return False
    proposal.support_count = locked.support_count
    proposal.qualified_at = locked.qualified_at
    return True


def support_remove(*, actor, proposal: Proposal) -> bool:
    """Take a support back while supports are open. Returns False if there was none.

    A proposal stays qualified once it qualified."""
    _check_support(actor, proposal)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        locked.process = proposal.process
        _check_support(actor, locked)
        deleted, _details = Support.objects.filter(proposal=locked, user=actor).delete()
        if deleted:
            Proposal.objects.filter(pk=locked.pk).update(support_count=F("support_count") - 1)
        locked.refresh_from_db(fields=["support_count"])
    proposal.support_count = locked.support_count
    return bool(deleted)


def supports_erase(user) -> int:
    """Delete a person's supports (account erasure), each count decremented."""
    with transaction.atomic():
        ids = list(Support.objects.filter(user=user).values_list("proposal_id", flat=True))
        if not ids:
            return 0
        # Lock in a stable order so two erasures never deadlock.
        list(Proposal.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        Support.objects.filter(user=user).delete()
        Proposal.objects.filter(pk__in=ids).update(support_count=F("support_count") - 1)
    return len(ids)


# --- Official answers ------------------------------------------------------------------

ANSWER_STATES = (
    Proposal.AnswerState.EVALUATING,
    Proposal.AnswerState.ACCEPTED,
    Proposal.AnswerState.REJECTED,
)


def proposal_answer(*, actor, proposal: Proposal, state: str, text: str) -> Proposal:
    """The organisation's official answer: evaluating, accepted or rejected (with reasons)."""
    if not may_answer(actor, proposal):
        raise PermissionDenied(answer_refusal(actor, proposal))
    text = _plain(text)
    errors = {}
    if state not in ANSWER_STATES:
        errors["answer_state"] = _("Choose accepted, being evaluated or rejected.")
    elif state != Proposal.AnswerState.EVALUATING and not text:
        errors["answer_text"] = _("Explain the decision: accepting or rejecting needs a reason.")
    if len(text) > ANSWER_MAX:
        errors["answer_text"] = _("The answer can be at most %(max)s characters.") % {
            "max": ANSWER_MAX
        }
    elif text and not is_plain_text(text):
        errors["answer_text"] = HTML_MESSAGE
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        process = proposal.process
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal.process = process
        _refuse(answer_refusal(actor, proposal))
        before = {"answer_state": proposal.answer_state, "answer_text": proposal.answer_text}
        proposal.answer_state = state
        proposal.answer_text = text
        proposal.answered_at = timezone.now()
        proposal.answered_by = actor
        proposal.save(
            update_fields=[
                "answer_state",
                "answer_text",
                "answered_at",
                "answered_by",
                "updated_at",
            ]
        )
        audit(
            actor=actor,
            action="proposal.answered",
            target=proposal,
            before=before,
            after={"answer_state": state, "answer_text": text},
        )
        coauthors = Coauthorship.objects.filter(
            proposal=proposal, accepted_at__isnull=False
        ).values_list("user_id", flat=True)
        publish(
            "proposal.answered",
            actor=actor,
            target_kind=KIND,
            target_id=proposal.pk,
            context=_context(proposal),
            notify=[proposal.author_id, *coauthors],
            extra={"answer_state": state},
        )
    return proposal


def comment_count_store(*, proposal_id: int, count: int) -> None:
    """Store the visible comment count the comments app reports."""
    Proposal.objects.filter(pk=proposal_id).update(comment_count=max(0, int(count)))
