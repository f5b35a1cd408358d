import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wegov.core.events import subscribe, unsubscribe
from wegov.core.models import AuditEntry
from wegov.residency import services
from wegov.residency.models import (
    CensusEntry,
    CensusList,
    CodeLetter,
    Method,
    Residence,
    VerificationAttempt,
)

from .factories import (
    CensusListFactory,
    ResidenceFactory,
    census_entry,
    code_letter,
    district_office_staff,
    make_district,
    registry_officer,
)

BIRTH = dt.date(1980, 2, 29)


@pytest.fixture
def events():
    seen = []

    def record(**payload):
        seen.append(payload)

    for name in ("residence.verified", "residence.revoked", "residence.expired"):
        subscribe(name)(record)
    yield seen
    for name in ("residence.verified", "residence.revoked", "residence.expired"):
        unsubscribe(name, record)


# --- Census -------------------------------------------------------------------


def test_census_verify_claims_the_entry_and_sets_the_flag(
    city, citizen, events, django_capture_on_commit_callbacks
):
    entry = census_entry(CensusListFactory(), city)
    with django_capture_on_commit_callbacks(execute=True):
        residence = services.census_verify(actor=citizen, identifier="ab 123 456", birth_date=BIRTH)
    assert residence.district == city and residence.method == Method.CENSUS
    entry.refresh_from_db()
    assert entry.claimed_by == citizen and entry.claimed_at is not None
    citizen.refresh_from_db()
    assert citizen.verified_resident_since is not None
    audit = AuditEntry.objects.get(action="residence.verified")
    assert audit.actor == citizen and audit.after["district"] == "centrum"
    assert "AB123456" not in str(audit.after) and "1980" not in str(audit.after)
    assert events == [
        {
            "user_id": citizen.pk,
            "district_id": city.pk,
            "method": "census",
            "previous_district_id": None,
        }
    ]


def test_census_entry_verifies_one_person_only(city, citizen, other_citizen):
    census_entry(CensusListFactory(), city)
    services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)
    with pytest.raises(ValidationError, match="already used to verify another account"):
        services.census_verify(actor=other_citizen, identifier="AB123456", birth_date=BIRTH)
    assert not Residence.objects.filter(user=other_citizen).exists()
    assert VerificationAttempt.objects.filter(user=other_citizen).count() == 1


def test_census_verify_again_is_idempotent(city, citizen):
    census_entry(CensusListFactory(), city)
    first = services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)
    again = services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)
    assert again.pk == first.pk
    assert AuditEntry.objects.filter(action="residence.verified").count() == 1


@pytest.mark.parametrize(
    ("identifier", "birth"),
    [("AB123457", BIRTH), ("AB123456", dt.date(1980, 3, 1))],
    ids=["wrong-identifier", "wrong-birth-date"],
)
def test_census_wrong_details_fail_and_count(city, citizen, identifier, birth):
    census_entry(CensusListFactory(), city)
    with pytest.raises(ValidationError, match="could not find these details"):
        services.census_verify(actor=citizen, identifier=identifier, birth_date=birth)
    assert not Residence.objects.exists()
    assert VerificationAttempt.objects.get(user=citizen).method == "census"


def test_census_inactive_list_does_not_verify(city, citizen):
    census_entry(CensusListFactory(is_active=False), city)
    with pytest.raises(ValidationError):
        services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)


def test_census_other_key_does_not_match(city, citizen, settings):
    census_entry(CensusListFactory(), city)
    settings.WEGOV_RESIDENCY_CENSUS_KEY = "another-key"
    with pytest.raises(ValidationError):
        services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)


def test_census_empty_identifier_is_a_field_error(city, citizen):
    with pytest.raises(ValidationError) as exc:
        services.census_verify(actor=citizen, identifier=" - ", birth_date=BIRTH)
    assert "identifier" in exc.value.message_dict
    assert not VerificationAttempt.objects.exists()


def test_census_moving_gives_back_the_earlier_entry(city, citizen):
    north = make_district()
    old = census_entry(CensusListFactory(district=city), city)
    services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)
    new = census_entry(CensusListFactory(district=north), north, identifier="NEW-1")
    residence = services.census_verify(actor=citizen, identifier="NEW1", birth_date=BIRTH)
    assert residence.district == north
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.claimed_by is None and new.claimed_by == citizen
    assert Residence.objects.count() == 1


def test_anonymous_cannot_verify(city):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.census_verify(actor=AnonymousUser(), identifier="AB123456", birth_date=BIRTH)


# --- Lockout ------------------------------------------------------------------


def test_lockout_after_five_failures_in_an_hour(city, citizen):
    census_entry(CensusListFactory(), city)
    for _ in range(services.MAX_FAILED_ATTEMPTS):
        with pytest.raises(ValidationError):
            services.census_verify(actor=citizen, identifier="WRONG", birth_date=BIRTH)
    assert services.attempts_left(citizen) == 0
    # Even the right details are refused while locked; codes too.
    with pytest.raises(services.TooManyAttempts):
        services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)
    with pytest.raises(services.TooManyAttempts):
        services.code_redeem(actor=citizen, code="ABCD-EFGH-JKMN")
    assert not Residence.objects.exists()


def test_lockout_ends_when_failures_age_out(city, citizen):
    census_entry(CensusListFactory(), city)
    old = timezone.now() - services.ATTEMPT_WINDOW - dt.timedelta(minutes=1)
    for _ in range(services.MAX_FAILED_ATTEMPTS):
        VerificationAttempt.objects.create(user=citizen, method="census", created_at=old)
    residence = services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)
    assert residence.district == city


def test_lockout_is_per_user(city, citizen, other_citizen):
    census_entry(CensusListFactory(), city)
    for _ in range(services.MAX_FAILED_ATTEMPTS):
        VerificationAttempt.objects.create(user=other_citizen, method="census")
    assert services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)


def test_lockout_message_says_when(city, citizen):
    for _ in range(services.MAX_FAILED_ATTEMPTS):
        VerificationAttempt.objects.create(user=citizen, method="code_letter")
    with pytest.raises(services.TooManyAttempts) as exc:
        services.code_redeem(actor=citizen, code="ABCD-EFGH-JKMN")
    assert exc.value.retry_at > timezone.now()
    assert "try again after" in str(exc.value)


# --- Code letters ---------------------------------------------------------------


def test_code_redeem_verifies_and_uses_the_code(city, citizen):
    letter = code_letter(city)
    residence = services.code_redeem(actor=citizen, code=" abcd efgh jkmn ")
    assert residence.district == city and residence.method == Method.CODE_LETTER
    letter.refresh_from_db()
    assert letter.used_by == citizen and letter.used_at is not None


def test_code_used_by_someone_else_is_refused(city, citizen, other_citizen):
    code_letter(city)
    services.code_redeem(actor=citizen, code="ABCD-EFGH-JKMN")
    with pytest.raises(ValidationError, match="already been used"):
        services.code_redeem(actor=other_citizen, code="ABCD-EFGH-JKMN")
    assert VerificationAttempt.objects.filter(user=other_citizen).count() == 1


def test_code_again_by_its_user_is_idempotent(city, citizen):
    code_letter(city)
    first = services.code_redeem(actor=citizen, code="ABCD-EFGH-JKMN")
    assert services.code_redeem(actor=citizen, code="ABCD-EFGH-JKMN").pk == first.pk


def test_expired_code_is_refused(city, citizen):
    code_letter(city, expires_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="expired on"):
        services.code_redeem(actor=citizen, code="ABCD-EFGH-JKMN")
    assert not Residence.objects.exists()
    assert not CodeLetter.objects.filter(used_by__isnull=False).exists()


def test_unknown_code_is_refused_and_counted(city, citizen):
    code_letter(city)
    with pytest.raises(ValidationError, match="not valid"):
        services.code_redeem(actor=citizen, code="ABCD-EFGH-JKMP")
    assert VerificationAttempt.objects.filter(user=citizen).count() == 1


@pytest.mark.parametrize("bad", ["", "ABCD", "ABCD-EFGH-JKM0", "ABCD-EFGH-JKMN-X"])
def test_malformed_code_is_a_field_error_not_a_failure(city, citizen, bad):
    with pytest.raises(ValidationError) as exc:
        services.code_redeem(actor=citizen, code=bad)
    assert "code" in exc.value.message_dict
    assert not VerificationAttempt.objects.exists()


def test_code_batch_create_stores_only_hashes(city, admin_user):
    batch, codes = services.code_batch_create(
        actor=admin_user,
        district=city,
        size=25,
        expires_on=timezone.localdate() + dt.timedelta(days=60),
        label="Autumn letters",
    )
    assert len(codes) == len(set(codes)) == 25 == batch.letters.count()
    stored = set(batch.letters.values_list("code_hash", flat=True))
    for code in codes:
        assert code not in str(stored)
    from wegov.residency import hashing

    assert {hashing.code_hash(c) for c in codes} == stored
    audit = AuditEntry.objects.get(action="residency.code_batch_created")
    assert audit.after == {
        "district": "centrum",
        "size": 25,
        "expires_on": batch.expires_on.isoformat(),
    }
    assert not any(code in str(audit.after) for code in codes)


@pytest.mark.parametrize("size", [0, services.MAX_CODES_PER_BATCH + 1])
def test_code_batch_size_limits(city, admin_user, size):
    with pytest.raises(ValidationError) as exc:
        services.code_batch_create(
            actor=admin_user,
            district=city,
            size=size,
            expires_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "size" in exc.value.message_dict


def test_code_batch_needs_a_future_end(city, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.code_batch_create(
            actor=admin_user, district=city, size=1, expires_on=timezone.localdate()
        )
    assert "expires_on" in exc.value.message_dict


def test_code_batch_by_department_staff_is_denied(city, staff):
    with pytest.raises(PermissionDenied):
        services.code_batch_create(
            actor=staff,
            district=city,
            size=1,
            expires_on=timezone.localdate() + dt.timedelta(days=1),
        )


# --- In person and revocation ---------------------------------------------------


def test_in_person_verify_by_district_office(
    city, citizen, events, django_capture_on_commit_callbacks
):
    clerk = district_office_staff(city)
    until = timezone.localdate() + dt.timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        residence = services.in_person_verify(
            actor=clerk, user=citizen, district=city, document_seen=True, expires_on=until
        )
    assert residence.verified_by == clerk and residence.expires_on == until
    audit = AuditEntry.objects.get(action="residence.verified")
    assert audit.actor == clerk and audit.target_label == f"user {citizen.pk}"
    assert events[0]["method"] == "in_person"


def test_district_office_cannot_verify_for_another_district(city, citizen):
    north = make_district()
    clerk = district_office_staff(north)
    with pytest.raises(PermissionDenied):
        services.in_person_verify(actor=clerk, user=citizen, district=city, document_seen=True)


def test_in_person_needs_the_document_and_another_person(city, citizen):
    officer = registry_officer()
    with pytest.raises(ValidationError) as exc:
        services.in_person_verify(actor=officer, user=citizen, district=city, document_seen=False)
    assert "document_seen" in exc.value.message_dict
    with pytest.raises(ValidationError, match="cannot verify yourself"):
        services.in_person_verify(actor=officer, user=officer, district=city, document_seen=True)


def test_in_person_refuses_closed_accounts_and_past_end_dates(city, citizen):
    officer = registry_officer()
    with pytest.raises(ValidationError):
        services.in_person_verify(
            actor=officer,
            user=citizen,
            district=city,
            document_seen=True,
            expires_on=timezone.localdate(),
        )
    citizen.is_active = False
    citizen.save()
    with pytest.raises(ValidationError, match="closed"):
        services.in_person_verify(actor=officer, user=citizen, district=city, document_seen=True)


def test_revoke_clears_flag_and_gives_back_the_census_entry(
    city, citizen, events, django_capture_on_commit_callbacks
):
    entry = census_entry(CensusListFactory(), city)
    services.census_verify(actor=citizen, identifier="AB123456", birth_date=BIRTH)
    officer = registry_officer()
    with django_capture_on_commit_callbacks(execute=True):
        services.residence_revoke(actor=officer, user=citizen)
    citizen.refresh_from_db()
    entry.refresh_from_db()
    assert citizen.verified_resident_since is None
    assert entry.claimed_by is None
    assert not Residence.objects.exists()
    audit = AuditEntry.objects.get(action="residence.revoked")
    assert audit.actor == officer and audit.before["district"] == "centrum"
    assert events[-1] == {"user_id": citizen.pk, "district_id": city.pk}


def test_revoke_permissions(city, citizen, other_citizen, staff, moderator):
    ResidenceFactory(user=citizen, district=city)
    for actor in (citizen, other_citizen, staff, moderator, district_office_staff(make_district())):
        with pytest.raises(PermissionDenied):
            services.residence_revoke(actor=actor, user=citizen)
    services.residence_revoke(actor=district_office_staff(city), user=citizen)
    with pytest.raises(ValidationError, match="no verified residence"):
        services.residence_revoke(actor=registry_officer(), user=citizen)


def test_expire_clears_the_flag_of_ended_residences(
    city, citizen, other_citizen, events, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    ended = ResidenceFactory(user=citizen, district=city, expires_on=today - dt.timedelta(days=1))
    ResidenceFactory(user=other_citizen, district=city, expires_on=today)
    for user in (citizen, other_citizen):
        user.verified_resident_since = timezone.now()
        user.save()
    old = VerificationAttempt.objects.create(
        user=citizen, method="census", created_at=timezone.now() - dt.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.residences_expire() == 1
    citizen.refresh_from_db()
    other_citizen.refresh_from_db()
    assert citizen.verified_resident_since is None
    assert other_citizen.verified_resident_since is not None
    assert Residence.objects.filter(pk=ended.pk).exists()  # kept: "expired on" on the status page
    assert not VerificationAttempt.objects.filter(pk=old.pk).exists()
    assert events == [{"user_id": citizen.pk, "district_id": city.pk}]
    assert services.residences_expire() == 0  # idempotent


def test_reverify_keeps_the_earliest_resident_since(city, citizen):
    since = timezone.now() - dt.timedelta(days=100)
    citizen.verified_resident_since = since
    citizen.save()
    code_letter(city)
    services.code_redeem(actor=citizen, code="ABCD-EFGH-JKMN")
    citizen.refresh_from_db()
    assert citizen.verified_resident_since == since


# --- Census lists -------------------------------------------------------------


def _csv(*rows, header="identifier_hash,district_slug"):
    return ("\n".join([header, *rows]) + "\n").encode()


HASH_A = "a" * 64
HASH_B = "b" * 64


def test_import_creates_entries_and_replaces_the_active_list(city, admin_user):
    first = services.census_list_import(
        actor=admin_user, name="Census 1", data=_csv(f"{HASH_A},centrum")
    )
    second = services.census_list_import(
        actor=admin_user,
        name="Census 2",
        data=_csv(f"{HASH_A.upper()},centrum", f"{HASH_B},centrum"),
    )
    first.refresh_from_db()
    assert not first.is_active and first.deactivated_at is not None
    assert second.is_active and second.entry_count == 2
    assert set(second.entries.values_list("identifier_hash", flat=True)) == {HASH_A, HASH_B}
    audit = AuditEntry.objects.filter(action="residency.census_list_uploaded").first()
    assert audit.after == {"entries": 2, "district": None, "replaced": [first.pk]}


def test_a_district_list_does_not_replace_the_city_list(city, admin_user):
    north = make_district()
    citywide = services.census_list_import(
        actor=admin_user, name="City", data=_csv(f"{HASH_A},centrum")
    )
    services.census_list_import(
        actor=admin_user, name="North", data=_csv(f"{HASH_B},noord"), district=north
    )
    citywide.refresh_from_db()
    assert citywide.is_active
    assert CensusList.objects.filter(is_active=True).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"hash,district\n", "first line must be the header"),
        (_csv(), "no entries"),
        (_csv("abc,centrum"), "Line 2: the hash must be 64 hexadecimal"),
        (_csv(f"{'g' * 64},centrum"), "Line 2: the hash must be 64 hexadecimal"),
        (_csv(f"{HASH_A},atlantis"), "Line 2: unknown district “atlantis”"),
        (_csv(f"{HASH_A},centrum", f"{HASH_A},centrum"), "Line 3: the same hash as line 2"),
        (_csv(f"{HASH_A},centrum,extra"), "Line 2: expected 2 columns, found 3"),
        ("identifier_hash,district_slug\n".encode("utf-16"), "not UTF-8"),
    ],
    ids=[
        "empty",
        "header",
        "no-rows",
        "short",
        "not-hex",
        "district",
        "duplicate",
        "columns",
        "utf16",
    ],
)
def test_import_validation(city, admin_user, data, message):
    with pytest.raises(ValidationError) as exc:
        services.census_list_import(actor=admin_user, name="Bad", data=data)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert not CensusList.objects.exists() and not CensusEntry.objects.exists()


def test_import_is_all_or_nothing_and_lists_every_problem(city, admin_user):
    rows = [f"{HASH_A},centrum", "nothex,centrum", f"{HASH_B},nowhere"]
    rows += [f"{i:064x},centrum" for i in range(30)] + ["bad,centrum"] * 25
    with pytest.raises(ValidationError) as exc:
        services.census_list_import(actor=admin_user, name="Bad", data=_csv(*rows))
    messages = exc.value.messages
    assert messages[0].startswith("Line 3:") and messages[1].startswith("Line 4:")
    assert len(messages) == services.MAX_ERRORS_SHOWN + 1
    assert messages[-1] == "… and 7 more problems."
    assert not CensusEntry.objects.exists()


def test_import_scoped_list_refuses_other_districts(city, admin_user):
    north = make_district()
    with pytest.raises(ValidationError, match="outside this list"):
        services.census_list_import(
            actor=admin_user, name="North", data=_csv(f"{HASH_A},centrum"), district=north
        )


def test_import_accepts_a_bom_and_blank_lines(city, admin_user):
    data = "\ufeffidentifier_hash,district_slug\r\n\r\n" + f"{HASH_A},centrum\r\n"
    census_list = services.census_list_import(actor=admin_user, name="BOM", data=data.encode())
    assert census_list.entry_count == 1


def test_import_needs_a_name_and_permission(city, admin_user, staff, moderator):
    with pytest.raises(ValidationError):
        services.census_list_import(actor=admin_user, name=" ", data=_csv(f"{HASH_A},centrum"))
    for actor in (staff, moderator, district_office_staff(city)):
        with pytest.raises(PermissionDenied):
            services.census_list_import(actor=actor, name="X", data=_csv(f"{HASH_A},centrum"))


def test_deactivate(city, admin_user):
    census_list = services.census_list_import(
        actor=admin_user, name="C", data=_csv(f"{HASH_A},centrum")
    )
    services.census_list_deactivate(actor=admin_user, census_list=census_list)
    census_list.refresh_from_db()
    assert not census_list.is_active
    assert AuditEntry.objects.filter(action="residency.census_list_deactivated").count() == 1
