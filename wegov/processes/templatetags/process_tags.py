"""Labels and tag colours for process and phase states. Colour is never the
only sign: every tag carries its state in words."""

import re

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from wegov.core.sanitize import clean_rich_text

register = template.Library()

PROCESS_STATUS = {
    "active": (_("Running now"), "govuk-tag--green"),
    "upcoming": (_("Upcoming"), "govuk-tag--blue"),
    "past": (_("Finished"), "govuk-tag--grey"),
}
PHASE_STATE = {
    "active": (_("Now open"), "govuk-tag--green"),
    "upcoming": (_("Upcoming"), "govuk-tag--blue"),
    "past": (_("Finished"), "govuk-tag--grey"),
}


@register.filter
def process_status_label(status: str) -> str:
    return PROCESS_STATUS.get(status, ("", ""))[0]


@register.filter
def process_status_class(status: str) -> str:
    return PROCESS_STATUS.get(status, ("", ""))[1]


@register.filter
def phase_state_label(state: str) -> str:
    return PHASE_STATE.get(state, ("", ""))[0]


@register.filter
def phase_state_class(state: str) -> str:
    return PHASE_STATE.get(state, ("", ""))[1]


# GOV.UK classes for the tags ``core.sanitize`` allows; the stored HTML has no
# class attributes (the sanitiser removes them), so they are added on output.
RICH_TEXT_CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
}
OPENING_TAG = re.compile(r"<(" + "|".join(RICH_TEXT_CLASSES) + r")(?=[\s>])")


@register.filter
def govuk_rich_text(html: str) -> str:
    """Rich text styled with GOV.UK classes. The services store it sanitised;
    it is cleaned again here (cheap) so that no other path can slip markup in."""
    cleaned = clean_rich_text(html or "")
    return mark_safe(
        OPENING_TAG.sub(lambda m: f'<{m.group(1)} class="{RICH_TEXT_CLASSES[m.group(1)]}"', cleaned)
    )
