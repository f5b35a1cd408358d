"""Roles, two-factor enforcement, the admin behind MFA, log-in lockout."""

import pytest
from django.urls import reverse

from conftest import enable_totp, totp_code
from wegov.accounts import rules as r
from wegov.accounts.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "other_citizen", "other_staff", "moderator", "admin_user"]


@pytest.mark.parametrize("role", ROLES)
def test_admin_index_matrix(as_role, role):
    client, _user = as_role(role)
    response = client.get("/admin/")
    if role == "admin_user":
        assert response.status_code == 200
    else:
        # Everyone else is sent to the admin log-in page, which tells them
        # they are not authorised; nothing of the admin is shown.
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_in_admin_matrix(as_role, role):
    client, _user = as_role(role)
    response = client.get("/admin/core/auditentry/")
    assert response.status_code == (200 if role == "admin_user" else 302)


def test_admin_without_mfa_is_sent_to_enrol(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_admin_with_mfa_enrolled_but_password_only_session_is_refused(client, admin_user):
    enable_totp(admin_user)
    client.force_login(admin_user)  # a session that never passed the second factor
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("fixture", ["staff", "moderator", "admin_user"])
def test_privileged_users_must_enrol_two_factor(client, request, fixture, password):
    user = request.getfixturevalue(fixture)
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The enrolment page stays reachable (after confirming the password, as
    # allauth asks before any change to two-factor settings).
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": password}, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("mfa_activate_totp")
    # The API says so in JSON.
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert "Two-factor" in api.json()["detail"]


def test_citizen_is_not_forced_to_enrol(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("core:home")).status_code == 200


def test_login_with_totp_then_admin(client, admin_user, password):
    secret = enable_totp(admin_user)
    response = client.post(
        reverse("account_login"), {"login": admin_user.email, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_failed_logins_lock_the_account(client, citizen, password):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": citizen.email, "password": "wrong password"}
        )
        assert response.status_code == 200
    # Locked now, even with the right password.
    response = client.post(reverse("account_login"), {"login": citizen.email, "password": password})
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 429}
    assert "too many" in response.content.decode().lower()


def test_role_predicates(citizen, staff, other_staff, moderator, admin_user, department):
    assert r.is_citizen(citizen) and not r.is_privileged(citizen)
    assert r.is_staff_member(staff) and r.is_member_of(staff, department)
    assert not r.is_member_of(other_staff, department)
    assert r.is_moderator(moderator) and not r.is_administrator(moderator)
    assert r.is_administrator(admin_user) and r.is_moderator(admin_user)
    assert not r.is_verified_resident(citizen)


def test_anonymous_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not any(
        pred(anon) for pred in (r.is_citizen, r.is_staff_member, r.is_moderator, r.is_administrator)
    )


def test_membership_is_unique(staff, department):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=staff, organisation=department)


def test_emails_are_unique_case_insensitively(citizen):
    from django.db import IntegrityError, transaction

    from wegov.accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email=citizen.email.upper(), password="x", display_name="Dup")


def test_admin_role_change_is_audited(as_role, citizen):
    from wegov.core.models import AuditEntry

    client, admin = as_role("admin_user")
    url = f"/admin/accounts/user/{citizen.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "email": citizen.email,
            "display_name": citizen.display_name,
            "preferred_language": "en",
            "is_active": "on",
            "is_moderator": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "date_joined_0": citizen.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": citizen.date_joined.strftime("%H:%M:%S"),
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, bool)}
    data["is_active"] = "on"
    data["is_moderator"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    citizen.refresh_from_db()
    assert citizen.is_moderator
    entry = AuditEntry.objects.get(action="user.roles_changed")
    assert entry.actor == admin
    assert entry.before["is_moderator"] == "False" and entry.after["is_moderator"] == "True"
