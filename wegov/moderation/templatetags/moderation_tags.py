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


_PK = 987654321  # a stand-in id: URLs are reversed once per page, then filled in


def flag_links_for(request, user, kind: registry.ContributionKind):
    """``links(obj) -> html`` for many rows of one kind on one page: what may be
    decided once (who is looking, the URLs' shape, the texts) is decided once."""
    if user is None or not user.is_authenticated:
        return lambda obj: ""
    author_field = kind.model._meta.get_field(kind.author_field).attname
    may_flag = kind.flaggable and is_participant(user)
    moderator = is_moderator(user)
    flag_url = reverse("moderation:flag", args=[kind.kind, _PK])
    if request is not None:
        flag_url += "?" + urlencode({"next": request.get_full_path()})
    case_url = reverse("moderation:case", args=[kind.kind, _PK])
    flag_texts = (_("Report this"), _("Report to the moderators"))
    case_texts = (_("Moderate"), _("Hide it or review its flags"))

    def links(obj) -> str:
        found = []
        is_author = getattr(obj, author_field, None) == user.pk
        if may_flag and not is_author and not kind.is_hidden(obj):
            found.append((flag_url.replace(str(_PK), str(obj.pk), 1), *flag_texts))
        if moderator:
            found.append((case_url.replace(str(_PK), str(obj.pk), 1), *case_texts))
        if not found:
            return ""
        items = format_html_join(
            " · ",
            '<a class="govuk-link govuk-link--muted" href="{}" title="{}">{}'
            '<span class="govuk-visually-hidden"> ({} #{})</span></a>',
            ((url, title, text, kind.label, obj.pk) for url, text, title in found),
        )
        return format_html('<p class="govuk-body-s wegov-flag-link">{}</p>', items)

    return links


@register.simple_tag(takes_context=True)
def flag_link(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if obj is None:
        return ""
    try:
        kind = registry.kind_of(obj)
    except KeyError:
        return ""
    return flag_links_for(request, user, kind)(obj)
