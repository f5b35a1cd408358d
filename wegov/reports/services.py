"""Every write about problem reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wegov.accounts.models import Organisation
from wegov.core import activity
from wegov.core.audit import audit
from wegov.core.events import emit
from wegov.places.selectors import district_at, is_inside_city

from . import quality
from .models import (
    CLOSED_STATUSES,
    Category,
    Channel,
    Confirmation,
    Report,
    ReportAttributeValue,
    ReportPhoto,
    ReportUpdate,
    RoutingRule,
    ServiceAttribute,
    Status,
    Subscription,
)
from .photos import MAX_PHOTOS, process_photo

# Which status may follow which. Closed reports can be reopened by staff.
TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.ACKNOWLEDGED, Status.IN_PROGRESS, *CLOSED_STATUSES},
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, *CLOSED_STATUSES},
    Status.IN_PROGRESS: {Status.ACKNOWLEDGED, *CLOSED_STATUSES},
    Status.RESOLVED: {Status.IN_PROGRESS},
    Status.DUPLICATE: {Status.ACKNOWLEDGED},
    Status.NOT_RESPONSIBLE: {Status.ACKNOWLEDGED},
    Status.CLOSED: {Status.ACKNOWLEDGED},
}


@dataclass
class NewReport:
    category: Category
    title: str
    description: str
    lat: float
    lon: float
    address: str = ""
    photos: Sequence = ()
    attributes: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False
    email: str = ""
    name: str = ""
    phone: str = ""
    channel: str = Channel.WEB
    api_client: object | None = None
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""


def route(category: Category, district) -> Organisation:
    """The department a new report goes to: a district rule, else the default rule,
    else the category's own department."""
    rules = {r.district_id: r for r in RoutingRule.objects.filter(category=category)}
    rule = rules.get(district.pk if district else None) or rules.get(None)
    return rule.department if rule else category.department


def _check_handler(actor, report: Report) -> None:
    if not actor.has_perm("reports.handle_report", report):
        raise PermissionDenied(_("Only staff of the assigned department can do this."))


def validate_attributes(category: Category, answers: dict[str, str]) -> dict[ServiceAttribute, str]:
    """Check answers to a category's questions; returns attribute -> stored value."""
    errors: dict[str, str] = {}
    cleaned: dict[ServiceAttribute, str] = {}
    for attribute in category.attributes.filter(variable=True):
        raw = answers.get(attribute.code)
        values = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        values = [str(v).strip() for v in values if str(v).strip()]
        if not values:
            if attribute.required:
                errors[attribute.code] = _("Answer this question: %(q)s") % {
                    "q": attribute.description
                }
            continue
        allowed = {str(v["key"]) for v in attribute.values}
        kind = attribute.datatype
        if kind == ServiceAttribute.Datatype.MULTIVALUELIST:
            if not set(values) <= allowed:
                errors[attribute.code] = _("Choose from the listed options.")
            cleaned[attribute] = ",".join(values)
            continue
        value = values[0]
        if kind == ServiceAttribute.Datatype.SINGLEVALUELIST and value not in allowed:
            errors[attribute.code] = _("Choose one of the listed options.")
        elif kind == ServiceAttribute.Datatype.NUMBER:
            try:
                float(value)
            except ValueError:
                errors[attribute.code] = _("Enter a number.")
        elif kind == ServiceAttribute.Datatype.DATETIME:
            try:
                dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                errors[attribute.code] = _("Enter a date and time like 2026-05-01T14:30.")
        cleaned[attribute] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def report_create(*, actor, data: NewReport, filed_by=None) -> Report:
    """File a new report (citizen, anonymous visitor, API client, or staff on behalf)."""
    category = data.category
    errors: dict[str, str] = {}
    if not category.is_active:
        errors["category"] = _("This category no longer takes new reports.")
    if not (-90 <= data.lat <= 90 and -180 <= data.lon <= 180):
        errors["location"] = _("That is not a valid location.")
    elif not is_inside_city(data.lat, data.lon):
        errors["location"] = _(
            "This place is outside the city. Reports can only be made inside the city boundary."
        )
    signed_in = actor is not None and actor.is_authenticated
    if filed_by is not None and not filed_by.has_perm("reports.file_on_behalf"):
        raise PermissionDenied
    if not signed_in and filed_by is None:
        if not category.allows_anonymous:
            if data.channel != Channel.API:
                errors["category"] = _("Log in to report this kind of problem.")
            elif not data.email:
                # Through Open311 the client's user cannot log in here: the
                # category then needs the reporter's email instead.
                errors["email"] = _("This kind of problem needs the reporter's email address.")
        if not data.email and data.channel == Channel.WEB:
            errors["email"] = _("Enter your email address, so we can tell you what happens.")
    if not data.title.strip():
        errors["title"] = _("Give the problem a short title.")
    if not data.description.strip():
        errors["description"] = _("Describe the problem.")
    if len(data.photos) > MAX_PHOTOS:
        errors["photos"] = _("You can add at most 3 photos.")
    if errors:
        raise ValidationError(errors)
    answers = validate_attributes(category, data.attributes)
    # Decode and re-encode photos before the transaction: slow, and a bad one
    # must refuse the whole report with a message.
    photos = [process_photo(p) for p in data.photos]

    district = district_at(data.lat, data.lon)
    now = timezone.now()
    with transaction.atomic():
        report = Report.objects.create(
            category=category,
            department=route(category, district),
            title=data.title.strip()[:120],
            description=data.description.strip(),
            lat=data.lat,
            lon=data.lon,
            address=data.address.strip()[:250],
            district=district,
            due_at=now + dt.timedelta(hours=category.sla_hours),
            channel=data.channel,
            reporter=actor if signed_in else None,
            reporter_email=(data.email or (actor.email if signed_in else "")).strip(),
            reporter_name=data.name.strip()[:120],
            reporter_phone=data.phone.strip()[:40],
            is_anonymous=data.anonymous or not signed_in,
            filed_by=filed_by,
            api_client=data.api_client,
            device_id=data.device_id[:100],
            account_id=data.account_id[:100],
            media_url=data.media_url[:500],
            status_changed_at=now,
        )
        for image, thumb, width, height in photos:
            ReportPhoto.objects.create(
                report=report, image=image, thumbnail=thumb, width=width, height=height
            )
        ReportAttributeValue.objects.bulk_create(
            ReportAttributeValue(report=report, attribute=a, value=v) for a, v in answers.items()
        )
        ReportUpdate.objects.create(
            report=report, status_to=Status.SUBMITTED, department=report.department, created_at=now
        )
        quality.score(report, has_photo=bool(photos))
        if signed_in:
            Subscription.objects.create(report=report, user=actor)
        elif report.reporter_email:
            Subscription.objects.create(report=report, email=report.reporter_email)
        if filed_by is not None:
            audit(
                actor=filed_by,
                action="report.filed_on_behalf",
                target=report,
                after={"channel": data.channel},
            )
        emit("report.created", report_id=report.pk)
        _announce(report, "report.created", actor=None if report.is_anonymous else report.reporter)
    return report


def _announce(report: Report, verb: str, *, actor) -> None:
    """Tell the activity feed and the followers of the report, its district and
    (unless it is anonymous) its reporter. Subscribers of the report itself
    hear by the report's own emails, so nobody is notified directly."""
    activity.publish(
        verb,
        actor=actor,
        target_kind="report",
        target_id=report.pk,
        context={"district": report.district_id},
        public=not report.is_hidden,
    )


def report_confirm(*, actor, report: Report) -> bool:
    """ "This is my problem too". Returns False if the person had already confirmed."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    if not report.is_open:
        raise ValidationError(_("This report is closed; report the problem again if it is back."))
    try:
        with transaction.atomic():
            Confirmation.objects.create(report=report, user=actor)
            # An atomic increment: concurrent confirmations never lose a count.
            Report.objects.filter(pk=report.pk).update(
                confirmations_count=F("confirmations_count") + 1
            )
            Subscription.objects.get_or_create(report=report, user=actor)
    except IntegrityError:
        return False
    report.refresh_from_db(fields=["confirmations_count"])
    return True


def report_subscribe(*, report: Report, user=None, email: str = "") -> Subscription:
    if user is not None and user.is_authenticated:
        subscription, _created = Subscription.objects.get_or_create(report=report, user=user)
        return subscription
    if not email:
        raise ValidationError({"email": _("Enter your email address.")})
    subscription, _created = Subscription.objects.get_or_create(
        report=report, user=None, email=email.strip().lower()
    )
    return subscription


def report_unsubscribe(*, token: str) -> bool:
    deleted, _details = Subscription.objects.filter(unsubscribe_token=token).delete()
    return bool(deleted)


def _set_status(report: Report, status: str, now: dt.datetime) -> None:
    report.status = status
    report.status_changed_at = now
    if status != Status.SUBMITTED and report.acknowledged_at is None:
        report.acknowledged_at = now
    report.resolved_at = now if status in CLOSED_STATUSES else None


@transaction.atomic
def report_change_status(
    *, actor, report: Report, status: str, text: str = "", responsible_body: str = ""
) -> Report:
    """Move a report along the workflow, with a public update for subscribers."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_handler(actor, report)
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == report.status:
        raise ValidationError({"status": _("The report already has this status.")})
    if status not in TRANSITIONS[report.status]:
        raise ValidationError(
            {
                "status": _("A report that is “%(from)s” cannot become “%(to)s”.")
                % {"from": report.get_status_display(), "to": Status(status).label}
            }
        )
    if status == Status.DUPLICATE:
        raise ValidationError({"status": _("Use “mark as duplicate” and name the original.")})
    if status == Status.NOT_RESPONSIBLE and not responsible_body.strip():
        raise ValidationError({"responsible_body": _("Say who is responsible instead.")})
    before = report.status
    now = timezone.now()
    _set_status(report, status, now)
    if status == Status.NOT_RESPONSIBLE:
        report.responsible_body = responsible_body.strip()[:200]
    report.save(
        update_fields=[
            "status",
            "status_changed_at",
            "acknowledged_at",
            "resolved_at",
            "responsible_body",
            "updated_at",
        ]
    )
    ReportUpdate.objects.create(
        report=report,
        author=actor,
        department=report.department,
        text=text.strip(),
        status_from=before,
        status_to=status,
        created_at=now,
    )
    audit(
        actor=actor,
        action="report.status_changed",
        target=report,
        before={"status": before},
        after={"status": status},
    )
    emit("report.status_changed", report_id=report.pk, status_from=before, status_to=status)
    if status == Status.RESOLVED and before != Status.RESOLVED:
        _announce(report, "report.resolved", actor=None)
    return report


def report_bulk_change_status(*, actor, reports: Iterable[Report], status: str, text: str = ""):
    """Change many reports at once; returns (changed, refused) with a reason per refusal."""
    changed, refused = [], []
    for report in reports:
        try:
            changed.append(
                report_change_status(actor=actor, report=report, status=status, text=text)
            )
        except (ValidationError, PermissionDenied) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            refused.append((report, reason))
    return changed, refused


@transaction.atomic
def report_add_update(*, actor, report: Report, text: str, internal: bool) -> ReportUpdate:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_handler(actor, report)
    if not text.strip():
        raise ValidationError({"text": _("Write the update.")})
    update = ReportUpdate.objects.create(
        report=report,
        author=actor,
        department=report.department,
        kind=ReportUpdate.Kind.INTERNAL if internal else ReportUpdate.Kind.PUBLIC,
        text=text.strip(),
    )
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    audit(
        actor=actor,
        action="report.note_added" if internal else "report.update_published",
        target=report,
    )
    if not internal:
        emit("report.updated", report_id=report.pk, update_id=update.pk)
    return update


@transaction.atomic
def report_reassign(*, actor, report: Report, department: Organisation, reason: str) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_handler(actor, report)
    if department.pk == report.department_id:
        raise ValidationError({"department": _("The report is already with this department.")})
    if department.kind not in (Organisation.Kind.DEPARTMENT, Organisation.Kind.DISTRICT_OFFICE):
        raise ValidationError({"department": _("Choose a department or district office.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report goes to another department.")})
    before = report.department
    report.department = department
    report.save(update_fields=["department", "updated_at"])
    ReportUpdate.objects.create(
        report=report,
        author=actor,
        department=before,
        kind=ReportUpdate.Kind.INTERNAL,
        text=_("Reassigned from %(from)s to %(to)s: %(reason)s")
        % {"from": before.name, "to": department.name, "reason": reason.strip()},
    )
    audit(
        actor=actor,
        action="report.reassigned",
        target=report,
        before={"department": before.slug},
        after={"department": department.slug, "reason": reason.strip()},
    )
    emit("report.reassigned", report_id=report.pk, department_id=department.pk)
    return report


@transaction.atomic
def report_mark_duplicate(*, actor, report: Report, original: Report, text: str = "") -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_handler(actor, report)
    if original.pk == report.pk:
        raise ValidationError({"original": _("A report cannot duplicate itself.")})
    if original.status == Status.DUPLICATE:
        raise ValidationError(
            {"original": _("That report is itself a duplicate; choose the original.")}
        )
    before = report.status
    now = timezone.now()
    _set_status(report, Status.DUPLICATE, now)
    report.duplicate_of = original
    report.save(
        update_fields=[
            "status",
            "status_changed_at",
            "acknowledged_at",
            "resolved_at",
            "duplicate_of",
            "updated_at",
        ]
    )
    # Subscribers move along to the original, once each.
    for subscription in report.subscriptions.all():
        lookup = (
            {"user": subscription.user}
            if subscription.user_id
            else {"user": None, "email": subscription.email}
        )
        Subscription.objects.get_or_create(report=original, **lookup)
    ReportUpdate.objects.create(
        report=report,
        author=actor,
        department=report.department,
        text=text.strip()
        or _("This problem was already reported as #%(id)s.") % {"id": original.pk},
        status_from=before,
        status_to=Status.DUPLICATE,
        created_at=now,
    )
    audit(
        actor=actor,
        action="report.marked_duplicate",
        target=report,
        before={"status": before},
        after={"status": Status.DUPLICATE, "original": original.pk},
    )
    emit(
        "report.status_changed", report_id=report.pk, status_from=before, status_to=Status.DUPLICATE
    )
    return report


@transaction.atomic
def report_set_hidden(*, actor, report: Report, hidden: bool, reason: str) -> Report:
    if not actor.has_perm("reports.moderate_report", report):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        is_hidden=hidden,
        hidden_at=now if hidden else None,
        hidden_reason="",  # staff reasons are internal: the audit log keeps them
        updated_at=now,
    )
    report.refresh_from_db()
    audit(
        actor=actor,
        action="report.hidden" if hidden else "report.unhidden",
        target=report,
        after={"reason": reason.strip()},
    )
    emit("report.hidden", report_id=report.pk, hidden=hidden)
    return report


# --- Open311 API keys -----------------------------------------------------------
# Only a SHA-256 hash of each key is stored (keys are 256-bit random, so a slow
# hash adds nothing); the key itself is shown once, when it is made.

OPEN311_KEY_PREFIX = "wg311_"


def _open311_key_hash(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


def open311_client_create(
    *, actor, name: str, requests_per_hour: int = 600, contact_email: str = ""
):
    """Register an Open311 client application; returns (client, key).

    ``actor`` is an administrator, or None for the command line."""
    import secrets

    from .models import Open311Client

    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only administrators can create Open311 API keys."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the client application a name.")
    if requests_per_hour < 1:
        errors["requests_per_hour"] = _("Allow at least one request per hour.")
    if errors:
        raise ValidationError(errors)
    key = OPEN311_KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        name=name.strip()[:120],
        key_prefix=key[: len(OPEN311_KEY_PREFIX) + 4],
        key_hash=_open311_key_hash(key),
        contact_email=contact_email.strip(),
        requests_per_hour=requests_per_hour,
    )
    audit(
        actor=actor,
        action="open311.client_created",
        target=client,
        after={"name": client.name, "requests_per_hour": requests_per_hour},
    )
    return client, key


def open311_client_authenticate(key: str):
    """The active client owning ``key``, or None."""
    from .models import Open311Client

    key = (key or "").strip()
    if not key or len(key) > 200:
        return None
    return Open311Client.objects.filter(key_hash=_open311_key_hash(key), is_active=True).first()


def open311_client_deactivate(*, actor, client):
    """Revoke a client's key: its requests are refused from now on."""
    from .models import Open311Client

    if actor is not None and not actor.is_superuser:
        raise PermissionDenied
    Open311Client.objects.filter(pk=client.pk).update(is_active=False)
    client.is_active = False
    audit(actor=actor, action="open311.client_deactivated", target=client)
    return client
