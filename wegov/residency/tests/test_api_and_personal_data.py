import datetime as dt

import pytest
from django.utils import timezone

from wegov.accounts import services as account_services
from wegov.residency import selectors, services
from wegov.residency.models import CensusEntry, CodeLetter, Residence, VerificationAttempt

from .factories import CensusListFactory, ResidenceFactory, census_entry, code_letter, make_district

pytestmark = pytest.mark.django_db


def test_api_me_residence(client, city, citizen):
    assert client.get("/api/v1/me/residence").status_code == 401
    client.force_login(citizen)
    assert client.get("/api/v1/me/residence").json() == {
        "verified": False,
        "district": None,
        "method": None,
        "verified_at": None,
        "valid_until": None,
    }
    ResidenceFactory(user=citizen, district=city, expires_on=dt.date(2099, 1, 1))
    data = client.get("/api/v1/me/residence").json()
    assert data["verified"] is True
    assert data["district"] == {"slug": "centrum", "name": "Centrum"}
    assert data["valid_until"] == "2099-01-01" and data["method"] == "in_person"


def test_api_expired_residence_is_not_verified(client, city, citizen):
    ResidenceFactory(
        user=citizen, district=city, expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(citizen)
    assert client.get("/api/v1/me/residence").json()["verified"] is False


# --- Selectors: the contract for other apps -------------------------------------------


def test_is_resident_of_and_residence_district(city, citizen, other_citizen):
    from django.contrib.auth.models import AnonymousUser

    north = make_district()
    ResidenceFactory(user=citizen, district=city)
    assert selectors.is_resident_of(citizen, city) is True
    assert selectors.is_resident_of(citizen, None) is True
    assert selectors.is_resident_of(citizen, north) is False
    assert selectors.residence_district(citizen) == city
    assert selectors.is_resident_of(other_citizen, None) is False
    assert selectors.residence_district(other_citizen) is None
    assert selectors.is_resident_of(AnonymousUser(), None) is False
    assert selectors.is_resident_of(None, city) is False
    assert selectors.residence_district(AnonymousUser()) is None


def test_expired_residence_does_not_count(city, citizen):
    today = timezone.localdate()
    residence = ResidenceFactory(user=citizen, district=city, expires_on=today)
    assert selectors.is_resident_of(citizen, city)  # the last day still counts
    residence.expires_on = today - dt.timedelta(days=1)
    residence.save()
    assert not selectors.is_resident_of(citizen, city)
    assert not selectors.is_resident_of(citizen, None)
    assert selectors.residence_district(citizen) is None


def test_inactive_user_is_no_resident(city, citizen):
    ResidenceFactory(user=citizen, district=city)
    citizen.is_active = False
    citizen.save()
    assert not selectors.is_resident_of(citizen, city)


def test_selectors_are_one_query(city, citizen, django_assert_num_queries):
    ResidenceFactory(user=citizen, district=city)
    with django_assert_num_queries(1):
        assert selectors.is_resident_of(citizen, city)
    with django_assert_num_queries(1):
        assert selectors.residence_district(citizen).slug == "centrum"


# --- GDPR -------------------------------------------------------------------------


def test_export_contains_the_residence(city, citizen):
    census_entry(CensusListFactory(name="Census Nov"), city)
    services.census_verify(actor=citizen, identifier="AB123456", birth_date=dt.date(1980, 2, 29))
    VerificationAttempt.objects.create(user=citizen, method="code_letter")
    data = account_services.user_export_data(actor=citizen)["residency"]
    assert data["residence"]["district"] == "centrum"
    assert data["residence"]["method"] == "census"
    assert data["residence"]["verified_by_staff"] is False
    assert data["census_entries_used"][0]["list"] == "Census Nov"
    assert data["failed_verification_attempts"][0]["method"] == "code_letter"
    assert "identifier_hash" not in str(data)


def test_export_without_residence(citizen):
    data = account_services.user_export_data(actor=citizen)["residency"]
    assert data == {
        "residence": None,
        "census_entries_used": [],
        "code_letters_used": [],
        "failed_verification_attempts": [],
    }


def test_erasure_removes_the_residence_but_keeps_entries_used(city, citizen):
    census_entry(CensusListFactory(), city)
    services.census_verify(actor=citizen, identifier="AB123456", birth_date=dt.date(1980, 2, 29))
    code_letter(city, code="WXYZ-WXYZ-WXYZ")
    services.code_redeem(actor=citizen, code="WXYZWXYZWXYZ")
    VerificationAttempt.objects.create(user=citizen, method="census")
    account_services.user_erase(actor=citizen, user=citizen)
    citizen.refresh_from_db()
    assert not Residence.objects.filter(user=citizen).exists()
    assert not VerificationAttempt.objects.filter(user=citizen).exists()
    assert citizen.verified_resident_since is None
    # The hashed entry and the code stay used: the same person cannot verify a
    # second account with them for the same vote.
    assert CensusEntry.objects.get().claimed_by == citizen
    assert CodeLetter.objects.get().used_by == citizen
