"""allauth's log-in and sign-up forms with GOV.UK-style error messages.

GOV.UK Frontend asks for errors that say what to do ("Enter your email
address") rather than "This field is required", and for no placeholders (they
vanish while typing and are often mistaken for filled-in values).
"""

from allauth.account.forms import LoginForm, SignupForm
from django.utils.translation import gettext_lazy as _

REQUIRED_MESSAGES = {
    "email": _("Enter your email address"),
    "login": _("Enter your email address"),
    "display_name": _("Enter a public display name"),
    "password": _("Enter your password"),
    "password1": _("Enter a password"),
    "password2": _("Enter the password again"),
}


def _govuk_fields(form) -> None:
    for name, field in form.fields.items():
        field.widget.attrs.pop("placeholder", None)
        if name in REQUIRED_MESSAGES:
            field.error_messages["required"] = REQUIRED_MESSAGES[name]
    if "email" in form.fields:
        form.fields["email"].error_messages["invalid"] = _(
            "Enter an email address in the right format, like name@example.org"
        )


class WeGovSignupForm(SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(self)


class WeGovLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _govuk_fields(self)
