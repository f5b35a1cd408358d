"""Every write about residences, census lists and code letters.

Citizens verify themselves with census details or a code letter; staff verify
in person, revoke, upload census lists and make code-letter batches. Each
write checks permission, records an audit entry and emits a domain event
(``residence.verified``, ``residence.revoked``, ``residence.expired``,
``residency.census_list_uploaded``, ``residency.code_batch_created``).

The plain census identifier and date of birth are hashed at once and never
stored, logged or put in an audit entry; codes are kept as hashes only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wegov.accounts.models import User
from wegov.core.audit import audit
from wegov.core.events import emit
from wegov.places.models import District

from . import hashing
from .models import (
    CensusEntry,
    CensusList,
    CodeBatch,
    CodeLetter,
    Method,
    Residence,
    VerificationAttempt,
)

# Lockout: this many failed attempts (census details or codes) within the
# window lock the person's self-verification until the oldest one ages out.
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW = dt.timedelta(hours=1)
MAX_CODES_PER_BATCH = 5000
MAX_ERRORS_SHOWN = 20
CENSUS_HEADER = ["identifier_hash", "district_slug"]


class TooManyAttempts(Exception):
    """Self-verification is locked for a while after repeated failures."""

    def __init__(self, retry_at: dt.datetime):
        self.retry_at = retry_at
        super().__init__(
            _(
                "Too many attempts that did not match. For your safety, try again after "
                "%(time)s, or verify in person at a city desk."
            )
            % {"time": formats.time_format(timezone.localtime(retry_at), "H:i")}
        )


def _require(actor, perm: str, obj=None) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied


def _user_label(user) -> str:
    # Audit labels name the account by number: an erased person's name must not stay.
    return f"user {user.pk}"


# --- Lockout ------------------------------------------------------------------


def recent_failures(user) -> list[dt.datetime]:
    since = timezone.now() - ATTEMPT_WINDOW
    return list(
        VerificationAttempt.objects.filter(user=user, created_at__gt=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )


def attempts_left(user) -> int:
    return max(0, MAX_FAILED_ATTEMPTS - len(recent_failures(user)))


def _check_lockout(user) -> None:
    failures = recent_failures(user)
    if len(failures) >= MAX_FAILED_ATTEMPTS:
        raise TooManyAttempts(failures[-MAX_FAILED_ATTEMPTS] + ATTEMPT_WINDOW)


def _record_failure(user, method: str) -> None:
    # Outside the verification's transaction, so the failure is kept when it rolls back.
    VerificationAttempt.objects.create(user=user, method=method)


# --- Residences ---------------------------------------------------------------


def _snapshot(residence: Residence | None) -> dict | None:
    if residence is None:
        return None
    return {
        "district": residence.district.slug,
        "method": residence.method,
        "verified_at": residence.verified_at.isoformat(),
        "expires_on": residence.expires_on.isoformat() if residence.expires_on else None,
    }


def _set_residence(
    *,
    actor,
    user: User,
    district: District,
    method: str,
    verified_by: User | None = None,
    expires_on: dt.date | None = None,
) -> Residence:
    now = timezone.now()
    previous = Residence.objects.select_for_update().filter(user=user).first()
    before = _snapshot(previous)
    residence, _created = Residence.objects.update_or_create(
        user=user,
        defaults={
            "district": district,
            "method": method,
            "verified_at": now,
            "verified_by": verified_by,
            "expires_on": expires_on,
        },
    )
    if user.verified_resident_since is None:
        User.objects.filter(pk=user.pk).update(verified_resident_since=now)
        user.verified_resident_since = now
    audit(
        actor=actor,
        action="residence.verified",
        target=residence,
        before=before,
        after=_snapshot(residence),
        label=_user_label(user),
    )
    emit(
        "residence.verified",
        user_id=user.pk,
        district_id=district.pk,
        method=method,
        previous_district_id=previous.district_id if previous else None,
    )
    return residence


def _clear_flag(user: User) -> None:
    User.objects.filter(pk=user.pk).update(verified_resident_since=None)
    user.verified_resident_since = None


# --- Census -------------------------------------------------------------------


def census_verify(*, actor: User, identifier: str, birth_date: dt.date) -> Residence:
    """Verify the actor with their census identifier and date of birth."""
    _require(actor, "residency.verify_self")
    _check_lockout(actor)
    if not hashing.normalise_identifier(identifier):
        raise ValidationError({"identifier": _("Enter your identification number.")})
    digest = hashing.census_hash(identifier, birth_date)
    result = _census_claim(actor=actor, digest=digest)
    if isinstance(result, str):
        _record_failure(actor, Method.CENSUS)
        raise ValidationError(result)
    return result


@transaction.atomic
def _census_claim(*, actor: User, digest: str) -> Residence | str:
    entries = list(
        CensusEntry.objects.select_for_update()
        .filter(identifier_hash=digest, census_list__is_active=True)
        .select_related("district")
        .order_by("-census_list__created_at", "-pk")
    )
    mine = next((e for e in entries if e.claimed_by_id == actor.pk), None)
    if mine is not None:
        residence = Residence.objects.current().filter(user=actor, district=mine.district).first()
        if residence is not None:
            return residence
        return _set_residence(actor=actor, user=actor, district=mine.district, method=Method.CENSUS)
    free = [e for e in entries if e.claimed_by_id is None]
    if not free:
        if entries:
            return _(
                "These details were already used to verify another account. If that was "
                "not you, verify in person at a city desk and tell us."
            )
        return _(
            "We could not find these details on the census list. Check your identification "
            "number and date of birth, or use a code letter or a city desk instead."
        )
    entry = free[0]
    now = timezone.now()
    try:
        with transaction.atomic():
            # An earlier claim (an older list, another district) is given back:
            # a person holds one entry at a time.
            CensusEntry.objects.filter(claimed_by=actor).update(claimed_by=None, claimed_at=None)
            claimed = CensusEntry.objects.filter(pk=entry.pk, claimed_by__isnull=True).update(
                claimed_by=actor, claimed_at=now
            )
    except IntegrityError:
        claimed = 0
    if not claimed:
        return _("These details were just used by another account. Try again in a moment.")
    return _set_residence(actor=actor, user=actor, district=entry.district, method=Method.CENSUS)


@dataclass(frozen=True)
class CensusRow:
    line: int
    identifier_hash: str
    district: District


def _errors(problems: list[str]) -> ValidationError:
    shown = problems[:MAX_ERRORS_SHOWN]
    if len(problems) > MAX_ERRORS_SHOWN:
        shown.append(
            _("… and %(count)d more problems.") % {"count": len(problems) - MAX_ERRORS_SHOWN}
        )
    return ValidationError(shown)


def parse_census_csv(data: bytes | str, *, district: District | None = None) -> list[CensusRow]:
    """Read an upload (``identifier_hash,district_slug`` with that header line).

    Raises one ValidationError listing every problem (bad hex, unknown or
    out-of-scope district, duplicates); nothing is imported from a file with
    any problem.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            message = _("The file is not UTF-8 text: save it as CSV (UTF-8).")
            raise ValidationError(message) from None
    else:
        text = data.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ValidationError(_("The file is empty.")) from None
    if [h.strip().lower() for h in header] != CENSUS_HEADER:
        raise ValidationError(
            _("The first line must be the header “identifier_hash,district_slug”.")
        )
    districts = {d.slug: d for d in District.objects.all()}
    problems: list[str] = []
    rows: list[CensusRow] = []
    seen: dict[str, int] = {}
    try:
        for line, record in enumerate(reader, start=2):
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != 2:
                problems.append(
                    _("Line %(line)d: expected 2 columns, found %(count)d.")
                    % {"line": line, "count": len(record)}
                )
                continue
            digest, slug = record[0].strip().lower(), record[1].strip()
            if not hashing.HASH_RE.match(digest):
                problems.append(
                    _("Line %(line)d: the hash must be 64 hexadecimal characters (0-9, a-f).")
                    % {"line": line}
                )
                continue
            found = districts.get(slug)
            if found is None:
                problems.append(
                    _("Line %(line)d: unknown district “%(slug)s”.")
                    % {"line": line, "slug": slug[:80]}
                )
                continue
            if district is not None and found.pk != district.pk:
                problems.append(
                    _("Line %(line)d: “%(slug)s” is outside this list’s district %(name)s.")
                    % {"line": line, "slug": slug, "name": district.name}
                )
                continue
            if digest in seen:
                problems.append(
                    _("Line %(line)d: the same hash as line %(first)d.")
                    % {"line": line, "first": seen[digest]}
                )
                continue
            seen[digest] = line
            rows.append(CensusRow(line, digest, found))
    except csv.Error as exc:
        problems.append(_("The file is not valid CSV: %(error)s") % {"error": exc})
    if problems:
        raise _errors(problems)
    if not rows:
        raise ValidationError(_("The file has a header but no entries."))
    return rows


@transaction.atomic
def census_list_import(
    *, actor: User | None, name: str, data: bytes | str, district: District | None = None
) -> CensusList:
    """Import a census list, all or nothing; it replaces the active list of its scope.

    ``actor`` None is the command line (``manage.py residency_import_census``).
    """
    _require(actor, "residency.manage_census")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the list a name, like “Census 2026-11”.")})
    rows = parse_census_csv(data, district=district)
    replaced = list(
        CensusList.objects.select_for_update().filter(
            is_active=True, district_id=district.pk if district else None
        )
    )
    now = timezone.now()
    for old in replaced:
        old.is_active = False
        old.deactivated_at = now
        old.save(update_fields=["is_active", "deactivated_at"])
    census_list = CensusList.objects.create(
        name=name[:150],
        district=district,
        uploaded_by=actor,
        entry_count=len(rows),
    )
    CensusEntry.objects.bulk_create(
        (
            CensusEntry(
                census_list=census_list, identifier_hash=r.identifier_hash, district=r.district
            )
            for r in rows
        ),
        batch_size=2000,
    )
    audit(
        actor=actor,
        action="residency.census_list_uploaded",
        target=census_list,
        after={
            "entries": len(rows),
            "district": district.slug if district else None,
            "replaced": [old.pk for old in replaced],
        },
    )
    emit("residency.census_list_uploaded", census_list_id=census_list.pk)
    return census_list


@transaction.atomic
def census_list_deactivate(*, actor: User | None, census_list: CensusList) -> CensusList:
    _require(actor, "residency.manage_census")
    census_list = CensusList.objects.select_for_update().get(pk=census_list.pk)
    if census_list.is_active:
        census_list.is_active = False
        census_list.deactivated_at = timezone.now()
        census_list.save(update_fields=["is_active", "deactivated_at"])
        audit(actor=actor, action="residency.census_list_deactivated", target=census_list)
    return census_list


# --- Code letters -------------------------------------------------------------


@transaction.atomic
def code_batch_create(
    *,
    actor: User | None,
    district: District,
    size: int,
    expires_on: dt.date,
    label: str = "",
    rng=None,
) -> tuple[CodeBatch, list[str]]:
    """Make ``size`` single-use codes; returns the batch and the codes (shown once)."""
    _require(actor, "residency.manage_codes")
    if not 1 <= size <= MAX_CODES_PER_BATCH:
        message = _("Make between 1 and %(max)d codes at a time.") % {"max": MAX_CODES_PER_BATCH}
        raise ValidationError({"size": message})
    if expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": _("The end date must be in the future.")})
    codes: set[str] = set()
    while len(codes) < size:
        codes.add(hashing.new_code(rng))
    ordered = sorted(codes)
    batch = CodeBatch.objects.create(
        district=district,
        label=(label or "").strip()[:150],
        created_by=actor,
        size=size,
        expires_on=expires_on,
    )
    CodeLetter.objects.bulk_create(
        (CodeLetter(batch=batch, code_hash=hashing.code_hash(code)) for code in ordered),
        batch_size=2000,
    )
    audit(
        actor=actor,
        action="residency.code_batch_created",
        target=batch,
        after={"district": district.slug, "size": size, "expires_on": expires_on.isoformat()},
    )
    emit("residency.code_batch_created", batch_id=batch.pk)
    return batch, [hashing.format_code(code) for code in ordered]


def code_redeem(*, actor: User, code: str) -> Residence:
    """Verify the actor with a code from a letter."""
    _require(actor, "residency.verify_self")
    _check_lockout(actor)
    normalised = hashing.normalise_code(code)
    if len(normalised) != hashing.CODE_LENGTH or set(normalised) - set(hashing.CODE_ALPHABET):
        raise ValidationError(
            {"code": _("Enter the 12 letters and digits of the code, like ABCD-EFGH-JKMN.")}
        )
    result = _code_claim(actor=actor, digest=hashing.code_hash(normalised))
    if isinstance(result, str):
        _record_failure(actor, Method.CODE_LETTER)
        raise ValidationError(result)
    return result


@transaction.atomic
def _code_claim(*, actor: User, digest: str) -> Residence | str:
    letter = (
        CodeLetter.objects.select_for_update()
        .select_related("batch__district")
        .filter(code_hash=digest)
        .first()
    )
    if letter is None:
        return _("This code is not valid. Check it against your letter.")
    if letter.used_by_id == actor.pk:
        residence = (
            Residence.objects.current().filter(user=actor, district=letter.batch.district).first()
        )
        if residence is not None:
            return residence
    if letter.used_by_id is not None:
        return _("This code has already been used. Each code verifies one person only.")
    if letter.batch.expires_on < timezone.localdate():
        return _("This code expired on %(date)s. Ask the city for a new letter.") % {
            "date": formats.date_format(letter.batch.expires_on, "j F Y")
        }
    used = CodeLetter.objects.filter(pk=letter.pk, used_by__isnull=True).update(
        used_by=actor, used_at=timezone.now()
    )
    if not used:
        return _("This code has already been used. Each code verifies one person only.")
    return _set_residence(
        actor=actor, user=actor, district=letter.batch.district, method=Method.CODE_LETTER
    )


# --- In person ----------------------------------------------------------------


@transaction.atomic
def in_person_verify(
    *,
    actor: User,
    user: User,
    district: District,
    document_seen: bool,
    expires_on: dt.date | None = None,
) -> Residence:
    """Staff saw an identity document with the address: the user lives in ``district``.

    Nothing about the document is stored; the audit entry records who and when.
    """
    _require(actor, "residency.verify_in_person", district)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot verify yourself: ask a colleague."))
    if not document_seen:
        raise ValidationError(
            {"document_seen": _("Confirm that you saw a document showing the address.")}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active or user.erased_at:
        raise ValidationError(_("This account is closed."))
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": _("The end date must be in the future.")})
    return _set_residence(
        actor=actor,
        user=user,
        district=district,
        method=Method.IN_PERSON,
        verified_by=actor,
        expires_on=expires_on,
    )


@transaction.atomic
def residence_revoke(*, actor: User, user: User) -> None:
    """Withdraw a residence (staff): the person is no longer a verified resident.

    A census entry they claimed is given back, so the real person can still use it.
    """
    residence = (
        Residence.objects.select_for_update().select_related("district").filter(user=user).first()
    )
    if residence is None:
        raise ValidationError(_("This person has no verified residence."))
    _require(actor, "residency.revoke", residence)
    before = _snapshot(residence)
    district_id = residence.district_id
    residence.delete()
    CensusEntry.objects.filter(claimed_by=user).update(claimed_by=None, claimed_at=None)
    _clear_flag(user)
    audit(
        actor=actor,
        action="residence.revoked",
        target=user,
        before=before,
        label=_user_label(user),
    )
    emit("residence.revoked", user_id=user.pk, district_id=district_id)


def residences_expire(*, today: dt.date | None = None) -> int:
    """Clear the resident flag of people whose residence ended; returns how many.

    Expired residences never count in the selectors, whether this ran or not.
    Failed attempts older than a day are deleted too.
    """
    today = today or timezone.localdate()
    count = 0
    expired = Residence.objects.filter(
        expires_on__lt=today, user__verified_resident_since__isnull=False
    ).select_related("user", "district")
    for residence in expired:
        with transaction.atomic():
            _clear_flag(residence.user)
            audit(
                actor=None,
                action="residence.expired",
                target=residence,
                before=_snapshot(residence),
                label=_user_label(residence.user),
            )
            emit(
                "residence.expired",
                user_id=residence.user_id,
                district_id=residence.district_id,
            )
        count += 1
    day_ago = timezone.now() - dt.timedelta(days=1)
    VerificationAttempt.objects.filter(created_at__lt=day_ago).delete()
    return count
