"""Residence pages: who may open what (role matrix), the citizen's census and
code forms, the desk, census uploads and code batches."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES, enable_totp
from wegov.core.models import AuditEntry
from wegov.residency import hashing, services
from wegov.residency.models import CensusList, CodeLetter, Residence, VerificationAttempt

from .factories import (
    CensusListFactory,
    ResidenceFactory,
    census_entry,
    code_letter,
    district_office_staff,
    make_district,
    registry_officer,
)

pytestmark = pytest.mark.django_db

ALL_ROLES = [*ROLES, "staff", "process_manager"]
CITIZENS = {
    "citizen",
    "other_citizen",
    "staff",
    "other_staff",
    "moderator",
    "admin_user",
    "process_manager",
}
CENTRAL = {"admin_user"}


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def expect(response, role, allowed, ok=200):
    if role == "anonymous":
        assert is_login_redirect(response), response.status_code
    elif role in allowed:
        assert response.status_code == ok, (role, response.status_code)
    else:
        assert response.status_code == 403, (role, response.status_code)


def text(response) -> str:
    return response.content.decode()


def login_staff(client, user):
    enable_totp(user)
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": 0, "email": user.email},
        {"method": "mfa", "at": 0, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


# --- Matrix -------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("residency:mine", CITIZENS),
        ("residency:desk", CENTRAL),
        ("residency:census_lists", CENTRAL),
        ("residency:code_batches", CENTRAL),
    ],
)
def test_page_matrix(as_role, city, role, name, allowed):
    client, _user = as_role(role)
    expect(client.get(reverse(name)), role, allowed)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_desk_person_matrix(as_role, city, citizen, role):
    client, _user = as_role(role)
    url = reverse("residency:desk_person", args=[citizen.public_id])
    expect(client.get(url), role, CENTRAL)
    response = client.post(url, {"district": city.pk, "document_seen": "on"})
    expect(response, role, CENTRAL, ok=302)
    assert Residence.objects.filter(user=citizen).exists() == (role in CENTRAL)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_revoke_matrix(as_role, city, other_citizen, role):
    ResidenceFactory(user=other_citizen, district=city)
    client, _user = as_role(role)
    response = client.post(reverse("residency:desk_revoke", args=[other_citizen.public_id]))
    expect(response, role, CENTRAL, ok=302)
    assert Residence.objects.filter(user=other_citizen).exists() == (role not in CENTRAL)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_census_upload_and_codes_matrix(as_role, city, role):
    client, _user = as_role(role)
    upload = SimpleUploadedFile(
        "c.csv", f"identifier_hash,district_slug\n{'a' * 64},centrum\n".encode()
    )
    response = client.post(reverse("residency:census_lists"), {"name": "L", "file": upload})
    expect(response, role, CENTRAL, ok=302)
    response = client.post(
        reverse("residency:code_batches"),
        {"district": city.pk, "size": 2, "expires_on": "2099-01-01", "output": "page"},
    )
    expect(response, role, CENTRAL)
    assert CensusList.objects.exists() == CodeLetter.objects.exists() == (role in CENTRAL)


def test_registry_officer_has_the_central_pages(client, city):
    login_staff(client, registry_officer())
    for name in ("residency:desk", "residency:census_lists", "residency:code_batches"):
        assert client.get(reverse(name)).status_code == 200


def test_district_office_uses_the_desk_for_its_own_district_only(client, city, citizen):
    north = make_district()
    clerk = district_office_staff(city)
    login_staff(client, clerk)
    assert client.get(reverse("residency:desk")).status_code == 200
    assert client.get(reverse("residency:census_lists")).status_code == 403
    assert client.get(reverse("residency:code_batches")).status_code == 403
    url = reverse("residency:desk_person", args=[citizen.public_id])
    page = text(client.get(url))
    assert f'value="{city.pk}"' in page and f'value="{north.pk}"' not in page
    response = client.post(url, {"district": north.pk, "document_seen": "on"})
    assert response.status_code == 400
    assert not Residence.objects.exists()
    response = client.post(url, {"district": city.pk, "document_seen": "on"})
    assert response.status_code == 302
    assert Residence.objects.get(user=citizen).verified_by == clerk
    # A residence in another district: no revoke button, and a POST is refused.
    Residence.objects.filter(user=citizen).update(district=north)
    assert "revoke-form" not in text(client.get(url))
    response = client.post(reverse("residency:desk_revoke", args=[citizen.public_id]))
    assert response.status_code == 403


# --- The citizen's page -----------------------------------------------------------


def test_mine_without_residence_shows_the_ways(client, city, citizen):
    client.force_login(citizen)
    page = text(client.get(reverse("residency:mine")))
    assert "You are not a verified resident yet." in page
    assert "code-form" in page
    assert "census-form" not in page  # no active census list
    assert "Not available at the moment" in page
    CensusListFactory()
    assert "census-form" in text(client.get(reverse("residency:mine")))


def test_census_form_verifies(client, city, citizen):
    census_entry(CensusListFactory(), city)
    client.force_login(citizen)
    response = client.post(
        reverse("residency:census"),
        {"identifier": "ab-123-456", "birth_day": "29", "birth_month": "2", "birth_year": "1980"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("residency:mine"), 302)]
    page = text(response)
    assert "You are now a verified resident of Centrum." in page
    assert "You are a verified resident of Centrum" in page
    assert response["Cache-Control"] == "no-store"
    assert Residence.objects.get(user=citizen).district == city


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"identifier": "", "birth_day": "1", "birth_month": "1", "birth_year": "1980"},
            "Enter your identification number.",
        ),
        (
            {"identifier": "X1", "birth_day": "", "birth_month": "1", "birth_year": "1980"},
            "Enter your date of birth",
        ),
        (
            {"identifier": "X1", "birth_day": "31", "birth_month": "2", "birth_year": "1980"},
            "must be a real date",
        ),
        (
            {"identifier": "X1", "birth_day": "aa", "birth_month": "2", "birth_year": "1980"},
            "must be a real date",
        ),
        (
            {"identifier": "X1", "birth_day": "1", "birth_month": "1", "birth_year": "1850"},
            "must be a real date",
        ),
        (
            {"identifier": "X1", "birth_day": "1", "birth_month": "1", "birth_year": "2099"},
            "must be in the past",
        ),
    ],
    ids=["identifier", "missing-day", "not-a-date", "not-a-number", "year-range", "future"],
)
def test_census_form_errors(client, city, citizen, data, message):
    CensusListFactory()
    client.force_login(citizen)
    response = client.post(reverse("residency:census"), data)
    assert response.status_code == 400
    assert message in text(response)
    assert "govuk-error-summary" in text(response)
    assert not VerificationAttempt.objects.exists()


def test_census_no_match_is_an_error_and_never_echoes_the_identifier(client, city, citizen):
    census_entry(CensusListFactory(), city)
    client.force_login(citizen)
    response = client.post(
        reverse("residency:census"),
        {"identifier": "ZZ998877", "birth_day": "1", "birth_month": "1", "birth_year": "1970"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "could not find these details" in page
    assert "ZZ998877" not in page
    assert "You have 4 attempts left this hour." in page


def test_lockout_answers_429(client, city, citizen):
    for _ in range(services.MAX_FAILED_ATTEMPTS):
        VerificationAttempt.objects.create(user=citizen, method="code_letter")
    code_letter(city)
    client.force_login(citizen)
    response = client.post(reverse("residency:code"), {"code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert not Residence.objects.exists()


def test_code_form_verifies_and_refuses_reuse(client, city, citizen, other_citizen):
    code_letter(city)
    client.force_login(citizen)
    response = client.post(reverse("residency:code"), {"code": "abcd efgh jkmn"})
    assert response.status_code == 302
    assert Residence.objects.get(user=citizen).method == "code_letter"
    client.force_login(other_citizen)
    response = client.post(reverse("residency:code"), {"code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 400
    assert "already been used" in text(response)


def test_code_form_expired(client, city, citizen):
    code_letter(city, expires_on=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(citizen)
    response = client.post(reverse("residency:code"), {"code": "ABCD-EFGH-JKMN"})
    assert response.status_code == 400
    assert "This code expired on" in text(response)


def test_mine_shows_an_ended_residence(client, city, citizen):
    ResidenceFactory(
        user=citizen, district=city, expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(citizen)
    assert "ended on" in text(client.get(reverse("residency:mine")))


def test_get_on_post_only_urls(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("residency:census")).status_code == 405
    assert client.get(reverse("residency:code")).status_code == 405


# --- Desk ---------------------------------------------------------------------------


def test_desk_search_redirects_to_the_person(as_role, city, citizen):
    client, _admin = as_role("admin_user")
    response = client.post(reverse("residency:desk"), {"email": citizen.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("residency:desk_person", args=[citizen.public_id])
    response = client.post(reverse("residency:desk"), {"email": "nobody@example.org"})
    assert response.status_code == 400
    assert "No account uses this email address." in text(response)
    response = client.post(reverse("residency:desk"), {"email": "not an email"})
    assert response.status_code == 400


def test_desk_verify_form_errors(as_role, city, citizen):
    client, _admin = as_role("admin_user")
    url = reverse("residency:desk_person", args=[citizen.public_id])
    response = client.post(url, {"district": city.pk})
    assert response.status_code == 400
    assert "Confirm that you saw a document" in text(response)
    response = client.post(
        url, {"district": city.pk, "document_seen": "on", "expires_on": "2000-01-01"}
    )
    assert response.status_code == 400
    assert "The end date must be in the future." in text(response)
    assert not Residence.objects.exists()


def test_desk_verify_and_revoke(as_role, city, citizen):
    client, admin = as_role("admin_user")
    url = reverse("residency:desk_person", args=[citizen.public_id])
    response = client.post(
        url, {"district": city.pk, "document_seen": "on", "expires_on": "2099-12-31"}, follow=True
    )
    assert "is now a verified resident of Centrum" in text(response)
    residence = Residence.objects.get(user=citizen)
    assert residence.verified_by == admin and residence.expires_on == dt.date(2099, 12, 31)
    response = client.post(reverse("residency:desk_revoke", args=[citizen.public_id]), follow=True)
    assert "is no longer a verified resident" in text(response)
    assert not Residence.objects.exists()
    response = client.post(reverse("residency:desk_revoke", args=[citizen.public_id]), follow=True)
    assert "has no verified residence" in text(response)


def test_desk_unknown_person_is_404(as_role, city):
    client, _admin = as_role("admin_user")
    url = reverse("residency:desk_person", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


# --- Census lists and code batches ---------------------------------------------------


def test_census_upload_errors_listed_and_nothing_imported(as_role, city):
    client, _admin = as_role("admin_user")
    body = f"identifier_hash,district_slug\n{'a' * 64},centrum\nxyz,centrum\n{'a' * 64},nowhere\n"
    response = client.post(
        reverse("residency:census_lists"),
        {"name": "Bad", "file": SimpleUploadedFile("c.csv", body.encode())},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Line 3: the hash must be 64 hexadecimal characters" in page
    assert "Line 4: unknown district “nowhere”" in page
    assert not CensusList.objects.exists()


def test_census_list_page_and_deactivate(as_role, city, django_assert_max_num_queries):
    client, admin = as_role("admin_user")
    for n in range(5):
        census = CensusListFactory(name=f"List {n}", is_active=False, uploaded_by=admin)
        census_entry(census, city)
    active = CensusListFactory(name="Current")
    with django_assert_max_num_queries(12):
        page = text(client.get(reverse("residency:census_lists")))
    assert "List 4" in page and "Current" in page
    response = client.post(reverse("residency:census_deactivate", args=[active.pk]))
    assert response.status_code == 302
    active.refresh_from_db()
    assert not active.is_active


def test_code_batch_page_shows_codes_once(as_role, city):
    client, _admin = as_role("admin_user")
    response = client.post(
        reverse("residency:code_batches"),
        {
            "district": city.pk,
            "size": 3,
            "expires_on": "2099-01-01",
            "label": "Test",
            "output": "page",
        },
    )
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    page = text(response)
    letters = CodeLetter.objects.all()
    assert letters.count() == 3
    codes = [s.split("<")[0] for s in page.split('<code class="wegov-code">')[1:]]
    assert {hashing.code_hash(c) for c in codes} == set(letters.values_list("code_hash", flat=True))
    # The list page afterwards shows no code.
    page = text(client.get(reverse("residency:code_batches")))
    assert not any(code in page for code in codes)


def test_code_batch_csv(as_role, city):
    client, _admin = as_role("admin_user")
    response = client.post(
        reverse("residency:code_batches"),
        {"district": city.pk, "size": 2, "expires_on": "2099-01-01", "output": "csv"},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "code,district,valid_until,batch"
    assert len(lines) == 3 and all(",Centrum,2099-01-01," in line for line in lines[1:])


def test_code_batch_form_errors(as_role, city, django_assert_max_num_queries):
    client, _admin = as_role("admin_user")
    response = client.post(
        reverse("residency:code_batches"),
        {"district": city.pk, "size": 0, "expires_on": "2000-01-01", "output": "page"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Make at least 1 code." in page
    assert not CodeLetter.objects.exists()
    response = client.post(
        reverse("residency:code_batches"),
        {"district": city.pk, "size": 1, "expires_on": "2000-01-01", "output": "page"},
    )
    assert "The end date must be in the future." in text(response)
    for _ in range(5):
        services.code_batch_create(
            actor=None,
            district=city,
            size=1,
            expires_on=timezone.localdate() + dt.timedelta(days=5),
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("residency:code_batches")).status_code == 200


def test_audit_on_desk_verification_names_no_document(as_role, city, citizen):
    client, _admin = as_role("admin_user")
    client.post(
        reverse("residency:desk_person", args=[citizen.public_id]),
        {"district": city.pk, "document_seen": "on"},
    )
    entry = AuditEntry.objects.get(action="residence.verified")
    assert set(entry.after) == {"district", "method", "verified_at", "expires_on"}
