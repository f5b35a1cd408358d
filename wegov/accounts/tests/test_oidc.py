"""Single sign-on: WeGov as OpenID Connect provider for the city's other applications.

The happy path is a full authorization-code flow with PKCE (S256), as a client
application would run it; the negative tests cover what must be refused.
"""

import base64
import hashlib
import json
import secrets
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.internal.userkit import user_id_to_str
from django.urls import reverse
from jwcrypto import jwk, jwt
from oauth2_provider.models import get_access_token_model, get_application_model, get_grant_model

from conftest import enable_totp
from wegov.accounts.services import user_erase

from .factories import UserFactory

Application = get_application_model()

REDIRECT_URI = "https://app.example.org/callback"
CLIENT_SECRET = "library-secret-" + "x" * 32
AUTHORIZE_URL = "/o/authorize/"
TOKEN_URL = "/o/token/"
USERINFO_URL = "/o/userinfo/"
DISCOVERY_URL = "/o/.well-known/openid-configuration"
JWKS_URL = "/o/.well-known/jwks.json"


# --- helpers ----------------------------------------------------------------


@pytest.fixture
def application(db):
    """A client application registered as an administrator does it in the admin."""
    return Application.objects.create(
        name="City Library",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        algorithm=Application.RS256_ALGORITHM,
        client_secret=CLIENT_SECRET,  # hashed on save; the plain value is shown once
    )


def make_pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def authorize_params(application, challenge=None, scope="openid profile email", **extra):
    params = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "state-" + secrets.token_hex(8),
        "nonce": "nonce-" + secrets.token_hex(8),
    }
    if challenge:
        params["code_challenge"] = challenge
        params["code_challenge_method"] = "S256"
    params.update(extra)
    return params


class _FormParser(HTMLParser):
    """Collects the hidden inputs and submit buttons of the consent form."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.buttons: list[dict[str, str | None]] = []
        self.forms: list[dict[str, str | None]] = []
        self.h1_count = 0
        self.inline_styles = 0
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes or any(name.startswith("on") for name in attributes):
            self.inline_styles += 1
        if tag == "style":
            self.inline_styles += 1
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        if tag == "h1":
            self.h1_count += 1
        if tag == "form":
            self.forms.append(attributes)
        if tag == "input" and attributes.get("type") == "hidden":
            self.hidden[attributes["name"]] = attributes.get("value") or ""
        if tag == "button":
            self.buttons.append(attributes)


def parse_page(response) -> _FormParser:
    parser = _FormParser()
    parser.feed(response.content.decode())
    return parser


def consent(client, application, challenge, **kwargs):
    """GET the authorization endpoint; returns (response, params)."""
    params = authorize_params(application, challenge, **kwargs)
    return client.get(AUTHORIZE_URL, params), params


def submit_consent(client, consent_response, allow: bool):
    """Submit the consent form exactly as a browser without JavaScript would."""
    page = parse_page(consent_response)
    data = dict(page.hidden)
    if allow:
        allow_button = next(b for b in page.buttons if b.get("name") == "allow")
        data["allow"] = allow_button["value"]
    return client.post(AUTHORIZE_URL, data)


def redirect_query(response) -> dict[str, str]:
    assert response.status_code == 302, response.content
    location = response["Location"]
    assert location.startswith(REDIRECT_URI + "?"), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(client, application, challenge, **kwargs) -> tuple[str, dict]:
    response, params = consent(client, application, challenge, **kwargs)
    assert response.status_code == 200
    query = redirect_query(submit_consent(client, response, allow=True))
    assert query["state"] == params["state"]
    return query["code"], params


def basic_auth(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def exchange(client, application, code, verifier, secret=CLIENT_SECRET):
    return client.post(
        TOKEN_URL,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=basic_auth(application.client_id, secret),
    )


def verified_id_token_claims(client, id_token: str) -> dict:
    """Check the ID token's signature against the published keys; return its claims."""
    keyset = jwk.JWKSet.from_json(client.get(JWKS_URL).content.decode())
    token = jwt.JWT(jwt=id_token, key=keyset, algs=["RS256"], expected_type="JWS")
    header = json.loads(token.header)
    assert header["alg"] == "RS256"
    assert keyset.get_key(header["kid"]) is not None
    return json.loads(token.claims)


def userinfo(client, access_token):
    return client.get(USERINFO_URL, HTTP_AUTHORIZATION=f"Bearer {access_token}")


# --- the full flow ----------------------------------------------------------


def test_authorization_code_flow_with_pkce(client, citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()

    # 1. The client sends the citizen to the consent screen.
    response, params = consent(client, application, challenge)
    assert response.status_code == 200
    assert response.templates[0].name == "oauth2_provider/authorize.html"
    html = response.content.decode()
    assert "City Library" in html
    for description in (
        "Know who you are on WeGov",
        "See your public display name",
        "See your email address",
    ):
        assert description in html
    page = parse_page(response)
    assert page.h1_count == 1
    assert page.inline_styles == 0
    assert page.inline_scripts == 0
    assert response["X-Frame-Options"] == "DENY"  # no clickjacking of the Allow button
    assert page.forms and page.forms[0]["method"] == "post"
    assert page.hidden["code_challenge"] == challenge
    assert page.hidden["code_challenge_method"] == "S256"
    assert page.hidden["nonce"] == params["nonce"]
    assert "csrfmiddlewaretoken" in page.hidden

    # 2. The citizen allows; the browser goes back to the client with code and state.
    query = redirect_query(submit_consent(client, response, allow=True))
    assert query["state"] == params["state"]
    assert "error" not in query
    issuer = client.get(DISCOVERY_URL).json()["issuer"]
    if client.get(DISCOVERY_URL).json().get("authorization_response_iss_parameter_supported"):
        assert query["iss"] == issuer  # RFC 9207: the same issuer as in discovery
    code = query["code"]

    # 3. The client's back end exchanges the code (server to server, no session).
    client.logout()
    token_response = exchange(client, application, code, verifier)
    assert token_response.status_code == 200, token_response.content
    tokens = token_response.json()
    assert tokens["token_type"] == "Bearer"
    assert set(tokens["scope"].split()) == {"openid", "profile", "email"}
    assert tokens["access_token"] and tokens["id_token"]

    # 4. The client validates the ID token against the discovery document and JWKS.
    claims = verified_id_token_claims(client, tokens["id_token"])
    assert claims["iss"] == issuer
    assert claims["aud"] == application.client_id
    assert claims["nonce"] == params["nonce"]
    assert claims["exp"] > time.time()
    assert claims["iat"] <= time.time() + 5
    assert claims["sub"] == str(citizen.public_id)
    assert claims["sub"] != str(citizen.pk)
    assert claims["email"] == citizen.email
    assert claims["email_verified"] is True
    assert claims["name"] == "Anna Citizen"

    # 5. The userinfo endpoint agrees.
    info_response = userinfo(client, tokens["access_token"])
    assert info_response.status_code == 200
    info = info_response.json()
    assert info["sub"] == str(citizen.public_id)
    assert info["email"] == citizen.email
    assert info["name"] == "Anna Citizen"


def test_discovery_document(client, db):
    discovery = client.get(DISCOVERY_URL).json()
    issuer = discovery["issuer"]
    assert issuer == "http://testserver/o"
    assert discovery["authorization_endpoint"] == issuer + "/authorize/"
    assert discovery["token_endpoint"] == issuer + "/token/"
    assert discovery["userinfo_endpoint"] == issuer + "/userinfo/"
    assert discovery["jwks_uri"] == issuer + "/.well-known/jwks.json"
    assert "S256" in discovery["code_challenge_methods_supported"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    assert set(discovery["scopes_supported"]) == {"openid", "profile", "email"}
    assert {"sub", "name", "email", "email_verified"} <= set(discovery["claims_supported"])
    # RP-initiated logout is not offered.
    assert "end_session_endpoint" not in discovery
    # The RFC 8414 metadata agrees on the issuer and lists no management endpoints.
    metadata = client.get("/o/.well-known/oauth-authorization-server").json()
    assert metadata["issuer"] == issuer
    assert metadata["authorization_endpoint"] == discovery["authorization_endpoint"]
    assert "registration_endpoint" not in metadata
    assert "device_authorization_endpoint" not in metadata
    keys = client.get(JWKS_URL).json()["keys"]
    assert keys and all(k["kty"] == "RSA" and "d" not in k for k in keys)


def test_openid_scope_only_releases_no_email_or_name(client, citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()
    response, _ = consent(client, application, challenge, scope="openid")
    html = response.content.decode()
    assert "Know who you are on WeGov" in html
    assert "See your email address" not in html
    query = redirect_query(submit_consent(client, response, allow=True))

    tokens = exchange(client, application, query["code"], verifier).json()
    claims = verified_id_token_claims(client, tokens["id_token"])
    assert claims["sub"] == str(citizen.public_id)
    for claim in ("email", "email_verified", "name", "preferred_username", "locale"):
        assert claim not in claims

    info = userinfo(client, tokens["access_token"]).json()
    assert info["sub"] == str(citizen.public_id)
    assert "email" not in info and "name" not in info


def test_refresh_token_works_for_active_user(client, citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()
    code, _ = get_code(client, application, challenge)
    tokens = exchange(client, application, code, verifier).json()
    refreshed = client.post(
        TOKEN_URL,
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic_auth(application.client_id, CLIENT_SECRET),
    )
    assert refreshed.status_code == 200, refreshed.content


# --- what is refused --------------------------------------------------------


def test_missing_pkce_challenge_is_refused(client, citizen, application):
    client.force_login(citizen)
    params = authorize_params(application, challenge=None)
    response = client.get(AUTHORIZE_URL, params)
    query = redirect_query(response)
    assert query["error"] == "invalid_request"
    assert "code" not in query
    assert query["state"] == params["state"]
    assert not get_grant_model().objects.exists()


def test_pkce_method_without_challenge_is_refused(client, citizen, application):
    client.force_login(citizen)
    params = authorize_params(application, challenge=None, code_challenge_method="S256")
    query = redirect_query(client.get(AUTHORIZE_URL, params))
    assert query["error"] == "invalid_request"


def test_wrong_code_verifier_is_invalid_grant(client, citizen, application):
    client.force_login(citizen)
    _, challenge = make_pkce()
    code, _ = get_code(client, application, challenge)
    other_verifier, _ = make_pkce()
    response = exchange(client, application, code, other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()


def test_missing_code_verifier_is_refused(client, citizen, application):
    client.force_login(citizen)
    _, challenge = make_pkce()
    code, _ = get_code(client, application, challenge)
    response = client.post(
        TOKEN_URL,
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        HTTP_AUTHORIZATION=basic_auth(application.client_id, CLIENT_SECRET),
    )
    assert response.status_code == 400
    assert not get_access_token_model().objects.exists()


def test_wrong_client_secret_is_refused(client, citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()
    code, _ = get_code(client, application, challenge)
    response = exchange(client, application, code, verifier, secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_code_cannot_be_used_twice(client, citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()
    code, _ = get_code(client, application, challenge)
    assert exchange(client, application, code, verifier).status_code == 200
    again = exchange(client, application, code, verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_cancel_redirects_with_access_denied(client, citizen, application):
    client.force_login(citizen)
    _, challenge = make_pkce()
    response, params = consent(client, application, challenge)
    query = redirect_query(submit_consent(client, response, allow=False))
    assert query["error"] == "access_denied"
    assert query["state"] == params["state"]
    assert "code" not in query
    assert not get_grant_model().objects.exists()


def test_anonymous_user_is_sent_to_log_in_with_next(client, application):
    _, challenge = make_pkce()
    params = authorize_params(application, challenge)
    response = client.get(AUTHORIZE_URL, params)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    next_url = parse_qs(location.query)["next"][0]
    assert urlsplit(next_url).path == AUTHORIZE_URL
    assert parse_qs(urlsplit(next_url).query) == {k: [v] for k, v in params.items()}


@pytest.mark.parametrize(
    "override",
    [
        {"redirect_uri": "https://evil.example.com/callback"},
        {"redirect_uri": "https://app.example.org/callback/other"},
        {"client_id": "no-such-client"},
    ],
    ids=["foreign-host", "other-path", "unknown-client"],
)
def test_bad_client_or_redirect_uri_shows_error_page(client, citizen, application, override):
    client.force_login(citizen)
    _, challenge = make_pkce()
    params = authorize_params(application, challenge, **override)
    response = client.get(AUTHORIZE_URL, params)
    assert 400 <= response.status_code < 500
    assert "Location" not in response
    html = response.content.decode()
    assert "This sign-in request cannot be completed" in html
    assert 'href="https://evil' not in html
    page = parse_page(response)
    assert page.h1_count == 1
    assert page.inline_styles == 0 and page.inline_scripts == 0
    assert not get_grant_model().objects.exists()


def test_tampered_consent_form_does_not_crash(client, citizen, application):
    client.force_login(citizen)
    _, challenge = make_pkce()
    response, _ = consent(client, application, challenge)
    data = parse_page(response).hidden
    data.pop("client_id")
    data["allow"] = "true"
    posted = client.post(AUTHORIZE_URL, data)
    assert posted.status_code == 200
    assert "This sign-in request cannot be completed" in posted.content.decode()
    assert not get_grant_model().objects.exists()


def test_erased_user_cannot_exchange_a_code(client, citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()
    code, _ = get_code(client, application, challenge)
    user_erase(actor=citizen, user=citizen)
    response = exchange(client, application, code, verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_deactivated_user_cannot_exchange_a_code(client, citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()
    code, _ = get_code(client, application, challenge)
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    response = exchange(client, application, code, verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not get_access_token_model().objects.exists()


def test_deactivated_user_tokens_stop_working(client, citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()
    code, _ = get_code(client, application, challenge)
    tokens = exchange(client, application, code, verifier).json()
    assert userinfo(client, tokens["access_token"]).status_code == 200

    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert userinfo(client, tokens["access_token"]).status_code == 401
    refreshed = client.post(
        TOKEN_URL,
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=basic_auth(application.client_id, CLIENT_SECRET),
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


def test_inactive_user_session_is_not_accepted(client, application):
    user = UserFactory(is_active=False)
    client.force_login(user)
    _, challenge = make_pkce()
    response = client.get(AUTHORIZE_URL, authorize_params(application, challenge))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert not get_grant_model().objects.exists()


def test_erased_user_session_is_not_accepted(client, citizen, application):
    client.force_login(citizen)
    user_erase(actor=citizen, user=citizen)
    client.force_login(citizen)  # even a session that survived the erasure
    _, challenge = make_pkce()
    response = client.get(AUTHORIZE_URL, authorize_params(application, challenge))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")


# --- only the protocol endpoints are public ---------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/o/applications/",
        "/o/applications/register/",
        "/o/authorized_tokens/",
        "/o/register/",
        "/o/device-authorization/",
        "/o/logout/",
    ],
)
def test_management_views_are_not_exposed(client, citizen, path):
    client.force_login(citizen)
    assert client.get(path).status_code == 404


# --- registration is for administrators in the admin only -------------------

ADMIN_ADD_URL = "/admin/oauth2_provider/application/add/"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("other_citizen", False),
        ("other_staff", False),
        ("moderator", False),
        ("admin_user", True),
    ],
)
def test_only_admin_with_mfa_can_register_applications(as_role, role, allowed):
    client, _ = as_role(role)
    response = client.get(ADMIN_ADD_URL)
    if allowed:
        assert response.status_code == 200
        assert b"redirect_uris" in response.content
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert urlsplit(response["Location"]).path == reverse("admin:login")


def test_admin_without_mfa_in_session_cannot_register_applications(client, admin_user):
    enable_totp(admin_user)
    client.force_login(admin_user)
    session = client.session  # signed in with the password only
    session["account_authentication_methods"] = [{"method": "password", "at": 0}]
    session["account_authentication_methods_user"] = user_id_to_str(admin_user)
    session.save()
    response = client.get(ADMIN_ADD_URL)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("admin:login")


def test_admin_registers_application_in_admin(as_role):
    client, _ = as_role("admin_user")
    form = client.get(ADMIN_ADD_URL).context["adminform"].form
    client_id, client_secret = "parking-permits", secrets.token_urlsafe(32)
    data = {
        "client_id": client_id,
        "client_secret": client_secret,
        "hash_client_secret": "on",
        "name": "Parking Permits",
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": "https://parking.example.org/oidc/callback",
        "post_logout_redirect_uris": "",
        "allowed_origins": "",
        "algorithm": Application.RS256_ALGORITHM,
    }
    fields = set(form.fields)
    assert {"name", "client_type", "authorization_grant_type", "redirect_uris"} <= fields
    response = client.post(ADMIN_ADD_URL, {k: v for k, v in data.items() if k in fields})
    assert response.status_code == 302, response.context["adminform"].form.errors
    app = Application.objects.get(name="Parking Permits")
    assert app.client_id == client_id
    assert app.client_secret != client_secret  # stored hashed


def test_connected_apps_page_lists_and_disconnects(client, citizen, other_citizen, application):
    client.force_login(citizen)
    verifier, challenge = make_pkce()
    code, _query = get_code(client, application, challenge)
    tokens = exchange(client, application, code, verifier).json()
    page = client.get(reverse("accounts:connected_apps")).content.decode()
    assert application.name in page and "email" in page
    # Someone else cannot see it, nor disconnect it for the citizen.
    client.force_login(other_citizen)
    assert application.name not in client.get(reverse("accounts:connected_apps")).content.decode()
    client.post(reverse("accounts:connected_app_disconnect", args=[application.pk]))
    assert userinfo(client, tokens["access_token"]).status_code == 200
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:connected_app_disconnect", args=[application.pk]), follow=True
    )
    assert "can no longer use your account" in response.content.decode()
    assert userinfo(client, tokens["access_token"]).status_code == 401
    assert (
        client.post(reverse("accounts:connected_app_disconnect", args=[99999])).status_code == 404
    )
