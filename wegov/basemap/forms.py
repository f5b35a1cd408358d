from django import forms
from django.utils.translation import gettext_lazy as _

from wegov.core.forms import latitude_field, longitude_field

from .models import DESCRIPTION_MAX, NOTES_MAX, Kind, Status

# Typed coordinates: decimals, either separator accepted by the browser.
TOO_LONG = _("Use at most %(limit_value)d characters (you wrote %(show_value)d).")


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is wrong on the map?"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong.")},
    )
    description = forms.CharField(
        label=_("Describe it"),
        help_text=_(
            "What is missing or wrong, and what is really there. For example: "
            "“The footpath along the canal is closed by a fence since May.” "
            "Do not write personal data: mappers outside the city will read it."
        ),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Describe what is wrong or missing."),
            "max_length": TOO_LONG,
        },
    )
    lat = latitude_field(required=True)
    lon = longitude_field(required=True)
    osm_reference = forms.CharField(
        label=_("OpenStreetMap element (optional)"),
        help_text=_(
            "If you know it: node/123, way/123 or relation/123, or the element’s "
            "openstreetmap.org link."
        ),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "flag-%s")
        super().__init__(*args, **kwargs)


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("What is wrong"),
        required=False,
        choices=[("", _("Any kind")), *Kind.choices],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status.")},
    )
    notes = forms.CharField(
        label=_("Mappers' notes (staff only)"),
        help_text=_("For example the OSM note or challenge it went to."),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "status-%s")
        super().__init__(*args, **kwargs)
