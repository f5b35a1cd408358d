"""GDPR: consent at sign-up, "my data" export, account erasure."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models
from django.urls import reverse

from conftest import enable_totp
from wegov.accounts import services
from wegov.accounts.models import Consent, User
from wegov.core import registry
from wegov.core.audit import audit
from wegov.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def note_kind():
    """A contribution kind for these tests: audit entries authored by the user.

    The foundation has no citizen content of its own yet; this exercises the
    registry path every real kind (reports, proposals...) goes through.
    """
    kind = registry.register(
        registry.ContributionKind(
            kind="test_note",
            label="Note",
            model=AuditEntry,
            author_field="actor",
            present=lambda obj: registry.Presentation(
                kind="test_note", id=obj.pk, title=obj.action, url=f"/notes/{obj.pk}/"
            ),
            export_fields=("action", "created_at"),
        )
    )
    yield kind
    registry.unregister("test_note")


def signup(client, **overrides):
    data = {
        "email": "new.person@example.org",
        "display_name": "Newcomer",
        "password1": "a long and unusual passphrase 7",
        "password2": "a long and unusual passphrase 7",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_records_consent_with_notice_version(client, settings, mailoutbox):
    settings.WEGOV_PRIVACY_NOTICE_VERSION = "2026-11"
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.display_name == "Newcomer"
    consent = Consent.objects.get(user=user)
    assert (consent.purpose, consent.version) == ("privacy_notice", "2026-11")
    # Verification email, in text and HTML.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.person@example.org"]
    assert "/accounts/confirm-email/" in message.body


def test_signup_without_consent_is_refused_with_a_message(client):
    response = signup(client, privacy_consent="")
    assert response.status_code == 200
    assert "You need to agree to the privacy notice" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "", "Enter a public display name"),
        ("display_name", "me@example.org", "cannot contain"),
        ("email", "", "Enter your email address"),
        ("email", "not-an-email", "Enter an email address in the right format"),
        ("password2", "something else", "same password"),
        ("password1", "123", "too short"),
    ],
)
def test_signup_bad_input_shows_form_errors(client, field, value, message):
    overrides = {field: value}
    if field == "password1":
        overrides["password2"] = value
    response = signup(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_existing_email_does_not_reveal_account(client, citizen, mailoutbox):
    response = signup(client, email=citizen.email.upper())
    # Same response as a new sign-up; the owner gets an email instead.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact=citizen.email).count() == 1


def test_my_data_page_requires_login(client):
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 302


def test_export_contains_what_the_user_created(client, citizen, note_kind):
    services.consent_record(user=citizen, purpose="privacy_notice", version="2026-11")
    services.token_create(actor=citizen, name="my script")
    audit(actor=citizen, action="note.created")
    client.force_login(citizen)
    response = client.post(reverse("accounts:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == citizen.email
    assert data["profile"]["display_name"] == "Anna Citizen"
    assert data["consents"][0]["version"] == "2026-11"
    assert data["api_tokens"][0]["name"] == "my script"
    assert "key_hash" not in json.dumps(data)
    actions = [c["action"] for c in data["contributions"] if c["kind"] == "test_note"]
    assert "note.created" in actions
    assert AuditEntry.objects.filter(action="personal_data.exported", actor=citizen).exists()


def test_export_is_post_only(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:my_data_download")).status_code == 405


def test_export_of_other_user_is_impossible(client, citizen, other_citizen):
    client.force_login(other_citizen)
    data = json.loads(client.post(reverse("accounts:my_data_download")).content)
    assert citizen.email not in json.dumps(data)


def _all_text_in_database() -> str:
    """Every text and JSON value in every table, as one string."""
    chunks = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            chunks.extend(json.dumps(v) if not isinstance(v, str) else v for v in row if v)
    return "\n".join(chunks).lower()


def test_erasure_removes_personal_data_everywhere(client, citizen, admin_user, note_kind, password):
    citizen.email = "anna.unique@example.org"
    citizen.display_name = "Anna Uniquename"
    citizen.save()
    EmailAddress.objects.filter(user=citizen).update(email="anna.unique@example.org")
    services.consent_record(user=citizen, purpose="privacy_notice")
    services.token_create(actor=citizen, name="script")
    enable_totp(citizen)
    note = audit(actor=citizen, action="note.created")
    audit(
        actor=citizen,
        action="account.email_changed",
        target=citizen,
        before={"email": "anna.old@example.org"},
        after={"email": "anna.unique@example.org"},
    )
    LogEntry.objects.log_actions(
        user_id=admin_user.pk, queryset=[citizen], action_flag=CHANGE, change_message="roles"
    )
    text = _all_text_in_database()
    assert "anna.unique@example.org" in text and "anna uniquename" in text

    client.force_login(citizen)
    response = client.post(
        reverse("accounts:erase_account"), {"password": password, "confirm": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode()

    text = _all_text_in_database()
    assert "anna.unique@example.org" not in text
    assert "anna uniquename" not in text
    citizen.refresh_from_db()
    assert citizen.erased_at and not citizen.is_active
    assert not Authenticator.objects.filter(user=citizen).exists()
    assert not Consent.objects.filter(user=citizen).exists()
    # The contribution stays, shown as written by a former participant.
    note.refresh_from_db()
    assert note.actor.public_name == "former participant"
    assert note_kind.authored_by(citizen).filter(pk=note.pk).exists()
    assert AuditEntry.objects.filter(action="account.erased", target_id=str(citizen.pk)).exists()
    # The session ended and the person cannot log in any more.
    assert client.get(reverse("accounts:my_data")).status_code == 302
    response = client.post(
        reverse("account_login"), {"login": "anna.unique@example.org", "password": password}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # Their public profile is gone.
    # Their public profile keeps nothing but "former participant".
    page = client.get(reverse("social:profile", args=[citizen.public_id]))
    assert page.status_code == 200
    assert "former participant" in page.content.decode()
    assert "Anna" not in page.content.decode()


def test_erasure_needs_password_and_confirmation(client, citizen, password):
    client.force_login(citizen)
    url = reverse("accounts:erase_account")
    response = client.post(url, {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    response = client.post(url, {"password": password})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.erased_at is None and citizen.is_active


def test_last_administrator_cannot_erase_themselves(admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.user_erase(actor=admin_user, user=admin_user)


def test_citizen_cannot_erase_someone_else(citizen, other_citizen):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.user_erase(actor=citizen, user=other_citizen)
    other_citizen.refresh_from_db()
    assert other_citizen.erased_at is None


def test_public_profile_shows_display_name_never_email(client, citizen, note_kind):
    audit(actor=citizen, action="note.created")
    page = client.get(reverse("social:profile", args=[citizen.public_id])).content.decode()
    assert "Anna Citizen" in page
    assert citizen.email not in page
    assert "note.created" in page


def test_verification_email_is_text_and_html_in_the_visitors_language(client, mailoutbox):
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert signup(client).status_code == 302
    message = mailoutbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Bevestig je e-mailadres" in html
    assert "/accounts/confirm-email/" in html
    assert "Newcomer" in html  # the display name, never the email, names the account
    assert User.objects.get().preferred_language == "nl"
