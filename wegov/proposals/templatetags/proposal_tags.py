"""Tags and filters of the proposal pages."""

from django import template

register = template.Library()

ANSWER_TAG_CLASS = {
    "not_answered": "govuk-tag--grey",
    "evaluating": "govuk-tag--yellow",
    "accepted": "govuk-tag--green",
    "rejected": "govuk-tag--red",
}


@register.filter
def answer_tag_class(answer_state: str) -> str:
    """The GOV.UK tag colour of an answer state (the tag always says it in words)."""
    return ANSWER_TAG_CLASS.get(answer_state, "govuk-tag--grey")
