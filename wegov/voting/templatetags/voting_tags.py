from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATE_LABELS = {"upcoming": _("Not open yet"), "open": _("Open"), "closed": _("Closed")}
STATE_CLASSES = {"upcoming": "govuk-tag--grey", "open": "govuk-tag--green", "closed": ""}


@register.filter
def poll_state_label(poll) -> str:
    return STATE_LABELS[poll.state()]


@register.filter
def poll_state_class(poll) -> str:
    return STATE_CLASSES[poll.state()]


@register.filter
def option_labels(results_group) -> list[str]:
    return [r.option.label for r in results_group]


@register.inclusion_tag("voting/_process_polls.html", takes_context=True)
def process_polls(context, process):
    """The polls section of a process page (one query)."""
    from wegov.voting.selectors import delegation_enabled, polls_of_process

    polls = list(polls_of_process(process).order_by("-opens_at", "-id")[:10])
    return {
        "process": process,
        "polls": polls,
        "delegation_enabled": delegation_enabled(process) if polls else False,
        "user": context.get("user"),
    }
