from django import forms
from django.utils.translation import gettext_lazy as _

from wegov.accounts.models import Organisation
from wegov.core.forms import latitude_field, longitude_field
from wegov.places.models import District
from wegov.processes.models import Process

from .models import (
    ALT_MAX,
    CANCEL_REASON_MAX,
    DESCRIPTION_MAX,
    MILESTONE_TITLE_MAX,
    NOTE_MAX,
    TITLE_MAX,
    Status,
)

TOO_LONG = _("Use at most %(limit_value)d characters (you wrote %(show_value)d).")
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"})


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    process = forms.ChoiceField(label=_("Process"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        processes = (
            Process.objects.published()
            .filter(results__isnull=False)
            .distinct()
            .order_by("title")
            .values_list("slug", "title")
        )
        districts = District.objects.order_by("name").values_list("slug", "name")
        self.fields["process"].choices = [("", _("Any process")), *processes]
        self.fields["district"].choices = [("", _("Any district")), *districts]


class ResultForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Give the result a title."), "max_length": TOO_LONG},
    )
    description = forms.CharField(
        label=_("What will be done"),
        help_text=_("Plain text. What the city will build or change, and for whom."),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": TOO_LONG},
    )
    process = forms.ModelChoiceField(
        label=_("Process (optional)"),
        required=False,
        queryset=Process.objects.order_by("title"),
        empty_label=_("No process"),
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        help_text=_("Its staff keep the result up to date. Empty: the process's organisation."),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("The organisation running the process"),
    )
    lat = latitude_field(label=_("Latitude (optional)"))
    lon = longitude_field(label=_("Longitude (optional)"))
    starts_on = forms.DateField(
        label=_("Start date (optional)"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, like 2026-03-31.")},
    )
    ends_on = forms.DateField(
        label=_("Planned end date (optional)"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, like 2026-12-31.")},
    )
    budget_amount = forms.IntegerField(
        label=_("Budget in euros (optional)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter the budget as a whole number of euros, like 25000."),
            "min_value": _("The budget cannot be negative."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "result-%s")
        super().__init__(*args, **kwargs)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status.")},
    )
    progress = forms.IntegerField(
        label=_("Progress in percent (for “In progress”)"),
        help_text=_("A whole number from 0 to 99. Planned is 0 %, done is 100 %."),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter the progress as a whole number from 0 to 99."),
            "min_value": _("Enter the progress as a whole number from 0 to 99."),
            "max_value": _("Enter the progress as a whole number from 0 to 99."),
        },
    )
    note = forms.CharField(
        label=_("Public note (optional)"),
        help_text=_("What happened: shown in the result's public log."),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )
    cancel_reason = forms.CharField(
        label=_("Why it was cancelled (for “Cancelled”)"),
        required=False,
        max_length=CANCEL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "status-%s")
        super().__init__(*args, **kwargs)


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label=_("Milestone"),
        max_length=MILESTONE_TITLE_MAX,
        error_messages={"required": _("Give the milestone a title."), "max_length": TOO_LONG},
    )
    description = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )
    due_on = forms.DateField(
        label=_("Due date (optional)"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, like 2026-06-30.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "milestone-%s")
        super().__init__(*args, **kwargs)


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG, WebP or GIF, at most 10 MB. Location and camera data are removed."),
        error_messages={"required": _("Choose a photo."), "empty": _("The file is empty.")},
    )
    alt_text = forms.CharField(
        label=_("Describe the photo"),
        help_text=_(
            "For people who cannot see it. For example: “The new benches along the canal”."
        ),
        max_length=ALT_MAX,
        error_messages={
            "required": _("Describe the photo for people who cannot see it."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "photo-%s")
        super().__init__(*args, **kwargs)
