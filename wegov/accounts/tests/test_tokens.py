import datetime as dt
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import enable_totp
from wegov.accounts import services
from wegov.accounts.models import ApiToken
from wegov.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_token_secret_is_stored_only_as_hash(citizen):
    token, key = services.token_create(actor=citizen, name="my script")
    assert key.startswith("wgv_")
    token.refresh_from_db()
    assert key not in {token.key_hash, token.key_prefix, token.name}
    assert token.key_hash == ApiToken.hash_key(key)
    assert services.token_authenticate(key) == citizen
    assert AuditEntry.objects.filter(action="api_token.created", actor=citizen).exists()


def test_revoked_expired_and_unknown_tokens_do_not_authenticate(citizen):
    revoked, revoked_key = services.token_create(actor=citizen, name="old")
    services.token_revoke(actor=citizen, token_id=revoked.pk)
    expiring, expiring_key = services.token_create(
        actor=citizen, name="short", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now())
    assert services.token_authenticate(revoked_key) is None
    assert services.token_authenticate(expiring_key) is None
    assert services.token_authenticate("wgv_nope") is None
    assert services.token_authenticate("") is None


def test_token_of_deactivated_user_does_not_authenticate(citizen):
    _token, key = services.token_create(actor=citizen, name="x")
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert services.token_authenticate(key) is None


def test_cannot_revoke_someone_elses_token(citizen, other_citizen):
    token, key = services.token_create(actor=citizen, name="mine")
    with pytest.raises(ApiToken.DoesNotExist):
        services.token_revoke(actor=other_citizen, token_id=token.pk)
    assert services.token_authenticate(key) == citizen


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_token_name_is_validated(citizen, name):
    with pytest.raises(ValidationError):
        services.token_create(actor=citizen, name=name)


def test_token_expiry_in_the_past_is_refused(citizen):
    with pytest.raises(ValidationError):
        services.token_create(
            actor=citizen, name="x", expires_at=timezone.now() - dt.timedelta(minutes=1)
        )


def test_active_token_limit(citizen):
    for i in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(actor=citizen, name=f"t{i}")
    with pytest.raises(ValidationError):
        services.token_create(actor=citizen, name="one too many")


def test_last_used_is_written_at_most_every_few_minutes(citizen, django_assert_num_queries):
    _token, key = services.token_create(actor=citizen, name="x")
    # lookup, last_used_at update, and whether the person holds a privileged role (the
    # membership query every session request also makes, in RequireMfaForPrivilegedUsers)
    with django_assert_num_queries(3):
        services.token_authenticate(key)
    with django_assert_num_queries(2):  # lookup and role only
        services.token_authenticate(key)


# --- Web pages ------------------------------------------------------------------


def test_tokens_page_creates_shows_key_once_and_revokes(client, citizen):
    client.force_login(citizen)
    url = reverse("accounts:tokens")
    response = client.post(url, {"name": "Open data script", "expires_in_days": "30"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key in response.content.decode()
    token = ApiToken.objects.get(user=citizen)
    assert token.expires_at > timezone.now() + dt.timedelta(days=29)
    # Shown once: the list page afterwards never contains the key.
    assert key not in client.get(url).content.decode()
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "has been revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_shows_form_errors(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:tokens"), {"name": "", "expires_in_days": "7"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-form-group--error" in page
    assert not ApiToken.objects.exists()


def test_revoking_other_users_token_through_page_is_404(client, citizen, other_citizen):
    token, _key = services.token_create(actor=citizen, name="mine")
    client.force_login(other_citizen)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_requires_post(client, citizen):
    token, _key = services.token_create(actor=citizen, name="mine")
    client.force_login(citizen)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


def test_tokens_page_requires_login(client):
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- API --------------------------------------------------------------------------

ROLES = ["anonymous", "citizen", "other_citizen", "other_staff", "moderator", "admin_user"]


@pytest.mark.parametrize("role", ROLES)
def test_api_token_list_matrix(as_role, role, other_citizen):
    services.token_create(actor=other_citizen, name="bram's")
    client, user = as_role(role)
    response = client.get("/api/v1/tokens")
    if user is None:
        assert response.status_code == 401
        assert "detail" in response.json()
        return
    assert response.status_code == 200
    names = [t["name"] for t in response.json()]
    # Everyone sees exactly their own tokens, administrators included.
    assert names == (["bram's"] if user == other_citizen else [])


@pytest.mark.parametrize("role", ROLES)
def test_api_token_revoke_matrix(as_role, role, other_citizen):
    token, _key = services.token_create(actor=other_citizen, name="bram's")
    client, user = as_role(role)
    response = client.delete(f"/api/v1/tokens/{token.pk}")
    token.refresh_from_db()
    if user is None:
        assert response.status_code == 401
    elif user == other_citizen:
        assert response.status_code == 200
        assert response.json()["active"] is False
    else:
        assert response.status_code == 404
    assert (token.revoked_at is not None) == (user == other_citizen)


def test_api_create_token_and_use_it(client, citizen):
    client.force_login(citizen)
    response = client.post("/api/v1/tokens", {"name": "cli"}, content_type="application/json")
    assert response.status_code == 201
    key = response.json()["key"]
    client.logout()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200
    assert me.json()["display_name"] == citizen.display_name
    assert me.json()["id"] == str(citizen.public_id)


def test_api_token_cannot_manage_tokens(client, citizen):
    """A leaked token must not be able to mint more tokens or list them."""
    _token, key = services.token_create(actor=citizen, name="cli")
    auth = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/tokens", headers=auth).status_code == 401
    response = client.post(
        "/api/v1/tokens", {"name": "more"}, content_type="application/json", headers=auth
    )
    assert response.status_code == 401
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": ""}, 422),
        ({"name": "x" * 81}, 422),
        ({}, 422),
        ({"name": "ok", "expires_at": "not a date"}, 422),
        ({"name": "ok", "expires_at": "2000-01-01T00:00:00Z"}, 400),
    ],
)
def test_api_create_token_bad_input(client, citizen, body, status):
    client.force_login(citizen)
    response = client.post("/api/v1/tokens", body, content_type="application/json")
    assert response.status_code == status
    assert "detail" in response.json()
    assert not ApiToken.objects.exists()


def test_api_malformed_json_is_a_4xx(client, citizen):
    client.force_login(citizen)
    response = client.post("/api/v1/tokens", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "detail" in json.loads(response.content)


def test_api_session_writes_need_csrf(citizen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_api_token_writes_without_csrf_and_a_session_still_needs_it(citizen):
    """As clients use the API: CSRF checks on, once with a token, once with the session."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    url = "/api/v1/me/notifications/read-all"
    _token, key = services.token_create(actor=citizen, name="script")
    with_token = Client(enforce_csrf_checks=True)
    response = with_token.post(url, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 0}

    with_session = Client(enforce_csrf_checks=True)
    with_session.force_login(citizen)
    refused = with_session.post(url)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    # A wrong token does not open the way past the session's CSRF check either.
    refused = with_session.post(url, headers={"Authorization": "Bearer wgv_wrong"})
    assert refused.status_code == 403
    secret = _get_new_csrf_string()
    with_session.cookies[settings.CSRF_COOKIE_NAME] = secret
    assert with_session.post(url, headers={"X-CSRFToken": secret}).status_code == 200


def test_api_bad_bearer_token_is_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer wgv_wrong"})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_api_unknown_endpoint_is_json_404(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/tokens" in schema.json()["paths"]
    assert client.get("/api/docs").status_code == 200


def test_token_list_query_count(client, citizen, django_assert_max_num_queries):
    for i in range(10):
        services.token_create(actor=citizen, name=f"t{i}")
    client.force_login(citizen)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/tokens").json()) == 10
    with django_assert_max_num_queries(10):
        assert client.get(reverse("accounts:tokens")).status_code == 200


# --- A privileged role acts only with two-factor, with a token too ---------------------

CASES = "/api/v1/moderation/cases"


@pytest.mark.parametrize(
    ("mfa_enabled", "made_with_second_factor", "status"),
    [(False, False, 403), (False, True, 403), (True, False, 403), (True, True, 200)],
)
def test_a_moderators_token_acts_only_with_two_factor(
    client, moderator, mfa_enabled, made_with_second_factor, status
):
    if mfa_enabled:
        enable_totp(moderator)
    _token, key = services.token_create(
        actor=moderator, name="cli", second_factor=made_with_second_factor
    )
    response = client.get(CASES, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == status
    if status == 403:
        assert response.json() == {"detail": str(services.SecondFactorRequired.message)}


def test_a_token_made_as_a_citizen_does_not_act_after_becoming_a_moderator(client, citizen):
    """The probe: a citizen's old token listed moderation cases once the account became a
    moderator, while the session was refused for want of two-factor."""
    _token, old_key = services.token_create(actor=citizen, name="cli")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {old_key}"})
    assert me.status_code == 200
    citizen.is_moderator = True
    citizen.save(update_fields=["is_moderator"])
    old = {"Authorization": f"Bearer {old_key}"}
    assert client.get(CASES, headers=old).status_code == 403
    client.force_login(citizen)
    assert client.get(CASES).status_code == 403  # the session: the same rule
    client.logout()
    enable_totp(citizen)  # two-factor set up later does not make the old token good
    assert client.get(CASES, headers=old).status_code == 403
    assert client.get("/api/v1/me", headers=old).status_code == 403


def test_a_citizens_token_needs_no_second_factor(client, citizen):
    _token, key = services.token_create(actor=citizen, name="cli")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200


@pytest.mark.parametrize(("role", "second_factor"), [("citizen", False), ("moderator", True)])
def test_the_tokens_page_and_api_record_whether_the_session_used_two_factor(
    as_role, role, second_factor
):
    client, user = as_role(role)  # privileged roles log in with two-factor
    client.post(reverse("accounts:tokens"), {"name": "page", "expires_in_days": "30"})
    client.post("/api/v1/tokens", {"name": "api"}, content_type="application/json")
    made = dict(ApiToken.objects.filter(user=user).values_list("name", "second_factor"))
    assert made == {"page": second_factor, "api": second_factor}
