from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupExtraForm(forms.Form):
    """Fields WeGov adds to allauth's sign-up form."""

    display_name = forms.CharField(
        label=_("Public display name"),
        max_length=60,
        help_text=_("Shown next to what you write. A pseudonym is fine. Never your email."),
    )
    privacy_consent = forms.BooleanField(
        error_messages={"required": _("You need to agree to the privacy notice to sign up.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy_consent"].label = format_html(
            _("I have read the {link}privacy notice (opens in new tab){end} and agree to it."),
            link=format_html(
                '<a class="govuk-link" href="{}" target="_blank" rel="noopener">',
                reverse("core:privacy"),
            ),
            end=mark_safe("</a>"),
        )

    def clean_display_name(self):
        name = self.cleaned_data["display_name"].strip()
        if "@" in name:
            raise forms.ValidationError(
                _("A display name cannot contain '@', so it is never taken for an email address.")
            )
        if not name:
            raise forms.ValidationError(_("Enter a public display name"))
        return name

    def signup(self, request, user):
        from .services import consent_record

        consent_record(user=user, purpose="privacy_notice")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language"]

    clean_display_name = SignupExtraForm.clean_display_name


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("For example the name of the script or app that will use it."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"),
        coerce=int,
        choices=[
            (30, _("in 30 days")),
            (90, _("in 90 days")),
            (365, _("in a year")),
            (0, _("never")),
        ],
        initial=90,
    )


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account and personal data will be deleted for good, and "
            "that what I wrote stays, shown as written by a former participant."
        ),
        error_messages={"required": _("Tick the box to confirm you want to delete your account.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
