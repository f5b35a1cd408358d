"""Forms of the staff back office and the accountability page.

Each form on the staff report page has its own ``auto_id`` so that several
forms can share one page with unique element ids while keeping plain field
names in what they post.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from wegov.accounts.models import Organisation
from wegov.places import geocoding

from .forms import geocode_typed_address
from .models import Category, Channel, Report, Status
from .selectors import QUEUE_ORDERINGS
from .services import TRANSITIONS

HANDLING_KINDS = (Organisation.Kind.DEPARTMENT, Organisation.Kind.DISTRICT_OFFICE)

# Statuses a whole selection can move to at once: "duplicate" needs an original
# and "not our responsibility" a responsible body, one report at a time.
BULK_STATUSES = (Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED)

ORDERING_LABELS = {
    "due": _("SLA due date, soonest first"),
    "oldest": _("Age, oldest first"),
    "newest": _("Age, newest first"),
    "confirmations": _("Confirmations, most first"),
    "quality": _("Quality score, lowest first"),
}
assert set(ORDERING_LABELS) == set(QUEUE_ORDERINGS)

PERIODS = (30, 90, 365)


def handling_organisations():
    return Organisation.objects.filter(kind__in=HANDLING_KINDS).order_by("name")


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), *Status.choices, ("all", _("All statuses"))],
    )
    order = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=list(ORDERING_LABELS.items())
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=_("All my departments"),
    )

    def __init__(self, *args, departments, show_department: bool, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        if show_department:
            self.fields["department"].queryset = departments.order_by("name")
        else:
            del self.fields["department"]


class BulkStatusForm(forms.Form):
    reports = forms.ModelMultipleChoiceField(
        label=_("Reports"),
        queryset=Report.objects.only("pk"),
        error_messages={
            "required": _("Select at least one report."),
            "invalid_choice": _("Report %(value)s does not exist."),
            "invalid_pk_value": _("“%(pk)s” is not a report number."),
        },
    )
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in BULK_STATUSES],
        error_messages={"required": _("Choose the new status.")},
    )
    text = forms.CharField(
        label=_("Public update (optional)"),
        help_text=_("Added to every changed report; subscribers get it by email."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"), error_messages={"required": _("Choose the new status.")}
    )
    responsible_body = forms.CharField(
        label=_("Responsible body"),
        help_text=_("Only for “not our responsibility”: who the citizen should turn to instead."),
        required=False,
        max_length=200,
    )
    text = forms.CharField(
        label=_("Public update (optional)"),
        help_text=_("Shown on the report's page and emailed to its subscribers."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, report: Report, **kwargs):
        kwargs.setdefault("auto_id", "status-%s")
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[report.status] - {Status.DUPLICATE}
        self.fields["status"].choices = [
            ("", _("Choose a status")),
            *((value, label) for value, label in Status.choices if value in allowed),
        ]


class UpdateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Who can see it"),
        widget=forms.RadioSelect,
        initial="internal",
        choices=[
            ("internal", _("Internal note: staff only, never public")),
            ("public", _("Public update: on the report's page, emailed to subscribers")),
        ],
        error_messages={"required": _("Choose whether the text is public or internal.")},
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the update.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "update-%s")
        super().__init__(*args, **kwargs)


class ReassignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department or district office"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose a department"),
        error_messages={
            "required": _("Choose the department the report goes to."),
            "invalid_choice": _("Choose a department from the list."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Internal: the receiving department sees it in the history."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the report goes to another department.")},
    )

    def __init__(self, *args, report: Report, **kwargs):
        kwargs.setdefault("auto_id", "reassign-%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = handling_organisations().exclude(
            pk=report.department_id
        )


class DuplicateForm(forms.Form):
    original = forms.IntegerField(
        label=_("Number of the original report"),
        help_text=_("The number after # on the original report's page."),
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the number of the original report."),
            "invalid": _("Enter a report number, like 1234."),
            "min_value": _("Enter a report number, like 1234."),
        },
    )
    text = forms.CharField(
        label=_("Public update (optional)"),
        help_text=_("Without it, subscribers read that the problem was already reported."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, report: Report, **kwargs):
        kwargs.setdefault("auto_id", "duplicate-%s")
        super().__init__(*args, **kwargs)
        self.report = report

    def clean_original(self) -> Report:
        number = self.cleaned_data["original"]
        if number == self.report.pk:
            raise forms.ValidationError(_("A report cannot duplicate itself."))
        original = Report.objects.select_related("category").filter(pk=number).first()
        if original is None:
            raise forms.ValidationError(
                _("There is no report number %(number)s."), params={"number": number}
            )
        if original.status == Status.DUPLICATE:
            raise forms.ValidationError(
                _("Report %(number)s is itself a duplicate; enter the original's number."),
                params={"number": number},
            )
        return original


class VisibilityForm(forms.Form):
    hidden = forms.TypedChoiceField(
        choices=[("1", _("Hide")), ("0", _("Show again"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Recorded in the audit log."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "visibility-%s")
        super().__init__(*args, **kwargs)


class FileOnBehalfForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How did the citizen contact you?"),
        widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in (Channel.PHONE, Channel.COUNTER, Channel.EMAIL)],
        error_messages={"required": _("Choose how the citizen contacted you.")},
    )
    name = forms.CharField(
        label=_("Citizen's name"),
        max_length=120,
        error_messages={"required": _("Enter the citizen's name.")},
    )
    email = forms.EmailField(
        label=_("Citizen's email address (optional)"),
        help_text=_("If given, the citizen gets an email at every public update."),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Citizen's phone number (optional)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Choose a category"),
        error_messages={"required": _("Choose a category.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Give the problem a short title.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Describe the problem.")},
    )
    address = forms.CharField(
        label=_("Address or place (optional)"), required=False, max_length=250
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        help_text=_("In decimal degrees, for example 52.1561."),
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "required": _("Enter the latitude."),
            "invalid": _("Enter the latitude as a number, like 52.1561."),
        },
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        help_text=_("In decimal degrees, for example 5.3878."),
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "required": _("Enter the longitude."),
            "invalid": _("Enter the longitude as a number, like 5.3878."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "new-%s")
        super().__init__(*args, **kwargs)
        self.geocoded = None
        if self.is_bound:
            # What the citizen said on the phone is usually an address: look it up.
            self.data, self.geocoded = geocode_typed_address(self.data)

    def clean(self):
        data = super().clean()
        typed = self.data.get("lat", "").strip() or self.data.get("lon", "").strip()
        if not typed and data.get("address") and geocoding.is_available():
            self.add_error(
                "address",
                _(
                    "We could not find this address. Choose the place on the map, "
                    "or type its coordinates."
                ),
            )
        return data

    def nearest_address(self) -> str:
        """The address to file: the one typed, else the nearest to the point."""
        data = self.cleaned_data
        if data["address"].strip():
            return data["address"]
        nearest = geocoding.reverse(data["lat"], data["lon"])
        return nearest.label if nearest else ""


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        required=False,
        empty_value=90,
        choices=[
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("365", _("Last 365 days")),
        ],
        error_messages={"invalid_choice": _("Choose 30, 90 or 365 days.")},
    )
