"""Every write about accounts, roles, consents, tokens and personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from wegov.core import personal_data, registry
from wegov.core.audit import audit
from wegov.core.events import emit
from wegov.core.models import AuditEntry

from .models import ApiToken, Consent, User
from .rules import is_privileged

MAX_ACTIVE_TOKENS = 20
TOKEN_LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


# --- Consent ------------------------------------------------------------------


def consent_record(*, user: User, purpose: str, version: str | None = None) -> Consent:
    version = version or settings.WEGOV_PRIVACY_NOTICE_VERSION
    consent, _created = Consent.objects.get_or_create(
        user=user, purpose=purpose, version=version, defaults={"given_at": timezone.now()}
    )
    return consent


# --- API tokens ---------------------------------------------------------------


def _check_token_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so you recognise it later.")})
    if len(name) > 80:
        raise ValidationError({"name": _("The name can be at most 80 characters long.")})
    return name


@transaction.atomic
def token_create(
    *,
    actor: User,
    name: str,
    expires_at: dt.datetime | None = None,
    second_factor: bool = False,
) -> tuple[ApiToken, str]:
    """Create a personal API token; returns the token and its secret (shown once).

    ``second_factor``: the session making it passed two-factor (``rules.session_passed_mfa``).
    """
    if not actor.has_perm("accounts.manage_own_tokens"):
        raise PermissionDenied
    name = _check_token_name(name)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    # Lock the user's row so two concurrent requests cannot both pass the limit.
    User.objects.select_for_update().get(pk=actor.pk)
    if ApiToken.objects.active().filter(user=actor).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You already have %(count)d active tokens. Revoke one first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        key_prefix=key[: len(ApiToken.PREFIX) + 6],
        key_hash=ApiToken.hash_key(key),
        expires_at=expires_at,
        second_factor=second_factor,
    )
    audit(actor=actor, action="api_token.created", target=token, after={"name": name})
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        # Someone else's token looks exactly like a missing one.
        raise ApiToken.DoesNotExist
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=actor, action="api_token.revoked", target=token)
    return token


class SecondFactorRequired(PermissionDenied):
    """A privileged role acts only with two-factor, on every way in (the session's rule is
    RequireMfaForPrivilegedUsersMiddleware)."""

    message = gettext_lazy(
        "Two-factor authentication must be enabled for this account, and the API token "
        "made in a session that used it."
    )


def token_authenticate(key: str) -> User | None:
    """The active user owning an active token with this secret, or None.

    Raises SecondFactorRequired for a staff member, moderator, process manager or
    administrator without two-factor, or with a token made in a session without it.
    """
    if not key or not key.startswith(ApiToken.PREFIX) or len(key) > 128:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most every few minutes: a busy token must not turn every API
    # read into a write on a hot row.
    if token.last_used_at is None or now - token.last_used_at > TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    if is_privileged(user) and not (token.second_factor and is_mfa_enabled(user)):
        raise SecondFactorRequired(SecondFactorRequired.message)
    return user


# --- Applications signed in through WeGov (OpenID Connect) ----------------------


def connected_applications(user: User):
    """Client applications holding a live token for the user, with the scopes granted."""
    Application = get_application_model()
    now = timezone.now()
    tokens = get_access_token_model().objects.filter(user=user, expires__gt=now)
    refresh = get_refresh_token_model().objects.filter(user=user, revoked__isnull=True)
    app_ids = set(tokens.values_list("application_id", flat=True)) | set(
        refresh.values_list("application_id", flat=True)
    )
    apps = Application.objects.filter(pk__in=app_ids).order_by("name")
    scopes: dict[int, set[str]] = {}
    for app_id, scope in tokens.values_list("application_id", "scope"):
        scopes.setdefault(app_id, set()).update(scope.split())
    return [(app, sorted(scopes.get(app.pk, set()))) for app in apps]


@transaction.atomic
def application_disconnect(*, actor: User, application_id: int) -> None:
    """Withdraw an application's access: its tokens and grants for the actor go."""
    Application = get_application_model()
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        raise Application.DoesNotExist
    for model in (get_refresh_token_model(), get_access_token_model(), get_grant_model()):
        model.objects.filter(user=actor, application=application).delete()
    audit(actor=actor, action="oidc.application_disconnected", target=application)


# --- Personal data export and erasure -----------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def _export_profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "verified_resident_since": _iso(user.verified_resident_since),
        "roles": {
            "moderator": user.is_moderator,
            "process_manager": user.is_process_manager,
            "administrator": user.is_superuser,
            "staff_of": [
                m.organisation.name for m in user.memberships.select_related("organisation")
            ],
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "two_factor_methods": [
            {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user)
        ],
    }


def _export_consents(user: User) -> list[dict[str, Any]]:
    return [
        {
            "purpose": c.purpose,
            "version": c.version,
            "given_at": _iso(c.given_at),
            "withdrawn_at": _iso(c.withdrawn_at),
        }
        for c in user.consents.all()
    ]


def _export_tokens(user: User) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "starts_with": t.key_prefix,
            "created_at": _iso(t.created_at),
            "last_used_at": _iso(t.last_used_at),
            "expires_at": _iso(t.expires_at),
            "revoked_at": _iso(t.revoked_at),
        }
        for t in user.api_tokens.all()
    ]


def _export_authorised_apps(user: User) -> list[dict[str, Any]]:
    access_tokens = get_access_token_model().objects.filter(user=user).select_related("application")
    return [
        {
            "application": t.application.name if t.application else None,
            "scope": t.scope,
            "expires": _iso(t.expires),
        }
        for t in access_tokens
    ]


def _erase_account_data(user: User) -> None:
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.consents.all().delete()
    user.api_tokens.all().delete()
    user.memberships.all().delete()
    for model in (
        get_access_token_model(),
        get_refresh_token_model(),
        get_id_token_model(),
        get_grant_model(),
    ):
        model.objects.filter(user=user).delete()
    get_application_model().objects.filter(user=user).update(user=None)


personal_data.register_section(
    personal_data.PersonalDataSection("profile", _export_profile, _erase_account_data, order=0)
)
personal_data.register_section(
    personal_data.PersonalDataSection("consents", _export_consents, lambda user: None, order=10)
)
personal_data.register_section(
    personal_data.PersonalDataSection("api_tokens", _export_tokens, lambda user: None, order=20)
)
personal_data.register_section(
    personal_data.PersonalDataSection(
        "authorised_applications", _export_authorised_apps, lambda user: None, order=30
    )
)


def user_export_data(*, actor: User) -> dict[str, Any]:
    """Everything WeGov holds about the actor, as JSON-ready data."""
    if not actor.has_perm("accounts.export_own_data"):
        raise PermissionDenied
    data: dict[str, Any] = {
        "format": "wegov-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "platform": settings.WEGOV_BASE_URL,
    }
    for section in personal_data.sections():
        data[section.name] = section.export(actor)
    data["contributions"] = [
        kind.export_row(obj) for kind, objs in registry.contributions_by(actor) for obj in objs
    ]
    audit(actor=actor, action="personal_data.exported", target=actor, label=f"user {actor.pk}")
    return data


def _scrub(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            if secret and secret.lower() in value.lower():
                return str(_("[erased]"))
        return value
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value


@transaction.atomic
def user_erase(*, actor: User, user: User) -> User:
    """Delete an account: personal data goes, contributions stay anonymised.

    The row itself is kept (others replied to what the person wrote), but
    every personal field is overwritten; the person's email and name are also
    replaced wherever the audit log or the admin's history quoted them.
    """
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.erased_at:
        return user
    if (
        user.is_superuser
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    ):
        raise ValidationError(_("The last administrator cannot delete their account."))

    secrets = [user.email, user.display_name]
    secrets += list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    secrets = [s for s in secrets if s]

    for section in personal_data.sections():
        section.erase(user)

    user_type = ContentType.objects.get_for_model(User)
    entries = AuditEntry.objects.filter(actor=user) | AuditEntry.objects.filter(
        target_type=User._meta.label_lower, target_id=str(user.pk)
    )
    for entry in entries:
        entry.before = _scrub(entry.before, secrets)
        entry.after = _scrub(entry.after, secrets)
        entry.target_label = _scrub(entry.target_label, secrets)
        entry.save(update_fields=["before", "after", "target_label"])
    LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        object_repr=str(_("former participant"))
    )

    user.email = f"erased-{user.public_id.hex}@erased.invalid"
    user.display_name = ""
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.is_moderator = user.is_process_manager = False
    user.verified_resident_since = None
    user.last_login = None
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    audit(actor=None, action="account.erased", target=user, label=f"user {user.pk}")
    emit("account.erased", user_id=user.pk)
    return user
