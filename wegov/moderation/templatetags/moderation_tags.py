"""``{% load moderation_tags %}{% flag_link obj %}`` for any registered contribution.

Shows signed-in participants who did not write it a small "Report this" link
to the flag page, and moderators a link to its moderation case; nothing to
anonymous or blocked visitors. Costs no query, so lists of comments can use it
on every row.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wegov.accounts.rules import is_moderator, is_participant
from wegov.core import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def flag_link(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if obj is None or user is None or not user.is_authenticated:
        return ""
    try:
        kind = registry.kind_of(obj)
    except KeyError:
        return ""
    author_field = kind.model._meta.get_field(kind.author_field).attname
    is_author = getattr(obj, author_field, None) == user.pk
    links = []
    if kind.flaggable and is_participant(user) and not is_author and not kind.is_hidden(obj):
        url = reverse("moderation:flag", args=[kind.kind, obj.pk])
        if request is not None:
            url += "?" + urlencode({"next": request.get_full_path()})
        links.append((url, _("Report this"), _("Report to the moderators")))
    if is_moderator(user):
        links.append(
            (
                reverse("moderation:case", args=[kind.kind, obj.pk]),
                _("Moderate"),
                _("Hide it or review its flags"),
            )
        )
    if not links:
        return ""
    items = format_html_join(
        " · ",
        '<a class="govuk-link govuk-link--muted" href="{}" title="{}">{}'
        '<span class="govuk-visually-hidden"> ({} #{})</span></a>',
        ((url, title, text, kind.label, obj.pk) for url, text, title in links),
    )
    return format_html('<p class="govuk-body-s wegov-flag-link">{}</p>', items)
