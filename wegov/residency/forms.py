import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegov.places.models import District

from .hashing import IDENTIFIER_MAX

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
DATE_ATTRS = {"type": "date", "class": "govuk-input--width-10"}


class CensusForm(forms.Form):
    """Identification number and date of birth (three boxes, as GOV.UK asks)."""

    identifier = forms.CharField(
        label=_("Identification number"),
        help_text=_("As on your identity card or residence permit, for example AB123456."),
        max_length=IDENTIFIER_MAX,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-20"}
        ),
        error_messages={"required": _("Enter your identification number.")},
    )
    birth_day = forms.IntegerField(
        label=_("Day"),
        min_value=1,
        max_value=31,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-day"}),
    )
    birth_month = forms.IntegerField(
        label=_("Month"),
        min_value=1,
        max_value=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-month"}),
    )
    birth_year = forms.IntegerField(
        label=_("Year"),
        min_value=1900,
        max_value=2100,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "census-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        names = ("birth_day", "birth_month", "birth_year")
        parts = [data.get(name) for name in names]
        invalid = any(name in self.errors for name in names)
        for name in names:
            self.errors.pop(name, None)
        if not invalid and None in parts:
            self.add_error("birth_day", _("Enter your date of birth: day, month and year."))
            return data
        try:
            if invalid:
                raise ValueError
            born = dt.date(parts[2], parts[1], parts[0])
        except ValueError:
            self.add_error("birth_day", _("Date of birth must be a real date, like 27 3 1985."))
            return data
        if born >= timezone.localdate():
            self.add_error("birth_day", _("Date of birth must be in the past."))
            return data
        data["birth_date"] = born
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your letter"),
        help_text=_("12 letters and digits, like ABCD-EFGH-JKMN. Spaces and dashes do not matter."),
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "class": "govuk-input--width-20",
            }
        ),
        error_messages={"required": _("Enter the code from your letter.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "code-%s")
        super().__init__(*args, **kwargs)


class SearchForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person’s account"),
        help_text=_("Ask the person for the email address they log in with."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter an email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "search-%s")
        super().__init__(*args, **kwargs)


class InPersonForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District the person lives in"),
        queryset=District.objects.none(),
        empty_label=_("Choose a district"),
        error_messages={"required": _("Choose the district on the document.")},
    )
    document_seen = forms.BooleanField(
        label=_("I saw an identity document or a proof of address showing this district"),
        help_text=_("Do not write down or copy anything from the document."),
        error_messages={"required": _("Confirm that you saw a document showing the address.")},
    )
    expires_on = forms.DateField(
        label=_("Valid until (optional)"),
        help_text=_("For a temporary stay, the last day the residence counts."),
        required=False,
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a real date.")},
    )

    def __init__(self, *args, districts=None, **kwargs):
        kwargs.setdefault("auto_id", "verify-%s")
        super().__init__(*args, **kwargs)
        if districts is not None:
            self.fields["district"].queryset = districts


class CensusUploadForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the list"),
        help_text=_("For example “Census extract November 2026”."),
        max_length=150,
        error_messages={"required": _("Give the list a name.")},
    )
    district = forms.ModelChoiceField(
        label=_("Covers"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("The whole city"),
        help_text=_("A new list replaces the active list that covers the same area."),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Made by the census office with manage.py residency_hash_census: the header "
            "identifier_hash,district_slug and one line per person. Never upload plain "
            "identification numbers."
        ),
        error_messages={"required": _("Choose the CSV file to upload.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "census-upload-%s")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class CodeBatchForm(forms.Form):
    OUTPUT_PAGE = "page"
    OUTPUT_CSV = "csv"

    district = forms.ModelChoiceField(
        label=_("District the letters go to"),
        queryset=District.objects.order_by("name"),
        empty_label=_("Choose a district"),
        error_messages={"required": _("Choose the district.")},
    )
    size = forms.IntegerField(
        label=_("Number of codes"),
        min_value=1,
        max_value=5000,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter how many codes to make."),
            "min_value": _("Make at least 1 code."),
            "max_value": _("Make at most %(limit_value)s codes at a time."),
            "invalid": _("Enter a whole number."),
        },
    )
    expires_on = forms.DateField(
        label=_("Codes valid until"),
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the last day the codes work."),
            "invalid": _("Enter a real date."),
        },
    )
    label = forms.CharField(label=_("Label (optional)"), max_length=150, required=False)
    output = forms.ChoiceField(
        label=_("Get the codes as"),
        choices=[
            (OUTPUT_PAGE, _("A page to print")),
            (OUTPUT_CSV, _("A CSV file for the mail merge")),
        ],
        initial=OUTPUT_PAGE,
        widget=forms.RadioSelect,
        help_text=_("The codes are shown only this once: WeGov keeps only their hashes."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "codes-%s")
        kwargs.setdefault(
            "initial",
            {"expires_on": timezone.localdate() + dt.timedelta(days=90), "output": "page"},
        )
        super().__init__(*args, **kwargs)


def officer_districts(user):
    """The districts this person may verify residents of at the desk."""
    if user.has_perm("residency.manage_census"):
        return District.objects.order_by("name")
    return (
        District.objects.filter(
            offices__memberships__user=user,
            offices__kind="district_office",
        )
        .distinct()
        .order_by("name")
    )
