"""Who may do what, as a matrix of roles and districts (rules, without views)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from .factories import ResidenceFactory, district_office_staff, make_district, registry_officer

pytestmark = pytest.mark.django_db

ROLES = ["citizen", "other_citizen", "staff", "other_staff", "moderator", "process_manager"]


@pytest.mark.parametrize("role", ROLES)
def test_plain_roles_only_verify_themselves(request, city, role):
    user = request.getfixturevalue(role)
    assert user.has_perm("residency.verify_self")
    for perm in ("residency.manage_census", "residency.manage_codes", "residency.use_desk"):
        assert not user.has_perm(perm)
    assert not user.has_perm("residency.verify_in_person", city)
    residence = ResidenceFactory(district=city)
    assert not user.has_perm("residency.revoke", residence)


def test_anonymous_has_nothing(city):
    anonymous = AnonymousUser()
    assert not anonymous.has_perm("residency.verify_self")
    assert not anonymous.has_perm("residency.use_desk")
    assert not anonymous.has_perm("residency.verify_in_person", city)


@pytest.mark.parametrize("who", ["admin_user", "officer"])
def test_central_officers_everywhere(request, city, who):
    user = registry_officer() if who == "officer" else request.getfixturevalue(who)
    north = make_district()
    for perm in ("residency.manage_census", "residency.manage_codes", "residency.use_desk"):
        assert user.has_perm(perm)
    assert user.has_perm("residency.verify_in_person", city)
    assert user.has_perm("residency.verify_in_person", north)
    assert user.has_perm("residency.revoke", ResidenceFactory(district=north))


def test_district_office_only_its_district(city):
    north = make_district()
    clerk = district_office_staff(north)
    assert clerk.has_perm("residency.use_desk")
    assert clerk.has_perm("residency.verify_in_person", north)
    assert not clerk.has_perm("residency.verify_in_person", city)
    assert clerk.has_perm("residency.revoke", ResidenceFactory(district=north))
    assert not clerk.has_perm("residency.revoke", ResidenceFactory(district=city))
    assert not clerk.has_perm("residency.manage_census")
    assert not clerk.has_perm("residency.manage_codes")


def test_offices_come_from_the_setting(city, settings):
    officer = registry_officer()
    settings.WEGOV_RESIDENCY_OFFICES = ["another-office"]
    assert not officer.has_perm("residency.manage_census")
    assert not officer.has_perm("residency.verify_in_person", city)
    settings.WEGOV_RESIDENCY_OFFICES = []
    assert not officer.has_perm("residency.use_desk")
