from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class GovukFormRenderer(TemplatesSetting):
    """Forms render as GOV.UK Frontend form groups, with errors linked to inputs."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


def apply_service_errors(
    form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form: keyed messages on their field
    (``aliases`` maps a service key to a field, e.g. "location" to "lat"), the
    rest, and keys the form has no field for, on the form itself."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            field = (aliases or {}).get(key, key)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Coordinates ------------------------------------------------------------------
# One definition of the latitude and longitude inputs every map form has (reports,
# proposals, budget projects, results, base-map flags): the same limits, keyboard
# hint and messages everywhere.

COORDINATE_ATTRS = {"step": "any", "inputmode": "decimal", "class": "govuk-input--width-10"}


def latitude_field(*, label=None, required: bool = False, **kwargs) -> forms.FloatField:
    """A latitude input; when required, the message says to choose the place on the map."""
    messages = {"invalid": _("Enter the latitude as a number, like 52.1561.")}
    if required:
        messages["required"] = _("Choose the place on the map, or enter its latitude.")
    messages.update(kwargs.pop("error_messages", {}))
    return forms.FloatField(
        label=label or _("Latitude"),
        required=required,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs=COORDINATE_ATTRS),
        error_messages=messages,
        **kwargs,
    )


def longitude_field(*, label=None, required: bool = False, **kwargs) -> forms.FloatField:
    """A longitude input; when required, the message says to choose the place on the map."""
    messages = {"invalid": _("Enter the longitude as a number, like 5.3878.")}
    if required:
        messages["required"] = _("Choose the place on the map, or enter its longitude.")
    messages.update(kwargs.pop("error_messages", {}))
    return forms.FloatField(
        label=label or _("Longitude"),
        required=required,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs=COORDINATE_ATTRS),
        error_messages=messages,
        **kwargs,
    )
