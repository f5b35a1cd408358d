from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import email_changed, password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.dispatch import receiver

from wegov.core.audit import audit


@receiver(authenticator_added)
def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    # Activating TOTP proves the second factor: count it for this session so a
    # newly enrolled administrator reaches the admin without logging in again.
    if authenticator.type == "totp":
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    audit(
        actor=user,
        action="mfa.added",
        target=user,
        label=f"user {user.pk}",
        after={"type": authenticator.type},
    )


@receiver(authenticator_removed)
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit(
        actor=user,
        action="mfa.removed",
        target=user,
        label=f"user {user.pk}",
        before={"type": authenticator.type},
    )


@receiver(email_changed)
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    audit(
        actor=user,
        action="account.email_changed",
        target=user,
        label=f"user {user.pk}",
        before={"email": from_email_address.email if from_email_address else None},
        after={"email": to_email_address.email},
    )


@receiver(password_changed)
@receiver(password_reset)
def on_password_changed(sender, request, user, **kwargs):
    audit(actor=user, action="account.password_changed", target=user, label=f"user {user.pk}")
