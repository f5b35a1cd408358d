"""Render Django form fields with GOV.UK Frontend classes."""

from django import forms, template

register = template.Library()

INPUT_CLASS = {
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.RadioSelect: "govuk-radios__input",
}


@register.filter
def govuk_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def govuk_widget(bound_field):
    widget = bound_field.field.widget
    css = next(
        (cls for kind, cls in INPUT_CLASS.items() if isinstance(widget, kind)), "govuk-input"
    )
    if bound_field.errors:
        css += {
            "govuk-input": " govuk-input--error",
            "govuk-select": " govuk-select--error",
            "govuk-textarea": " govuk-textarea--error",
            "govuk-file-upload": " govuk-file-upload--error",
        }.get(css, "")
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}-error")
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)
