"""Presentation helpers for report pages."""

from django import template

register = template.Library()

# GOV.UK Frontend tag colours per status: open ones stand out, closed ones recede.
STATUS_TAG = {
    "submitted": "govuk-tag--blue",
    "acknowledged": "govuk-tag--light-blue",
    "in_progress": "govuk-tag--yellow",
    "resolved": "govuk-tag--green",
    "duplicate": "govuk-tag--grey",
    "not_responsible": "govuk-tag--purple",
    "closed": "govuk-tag--grey",
}


@register.filter
def status_tag_class(status: str) -> str:
    """The GOV.UK tag modifier class for a report status."""
    return STATUS_TAG.get(str(status), "govuk-tag--grey")
