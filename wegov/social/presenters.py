"""Sentences for activities: "Bram submitted the proposal “More trees”".

HTML for pages (names and titles escaped, linked), plain text for emails and
the API. Every piece a user typed is escaped; the sentence itself is ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import notification_types as nt
from .models import Activity
from .targets import Target


@dataclass
class Actor:
    name: str
    url: str


def actor_of(activity: Activity) -> Actor:
    user = activity.actor
    if user is None:
        return Actor(_("The city administration"), "")
    if user.erased_at or not user.is_active:
        return Actor(user.public_name, "")
    return Actor(user.public_name, reverse("social:profile", args=[user.public_id]))


def _template(activity: Activity, personal: bool) -> str:
    verb = nt.VERBS.get(activity.verb)
    if verb is None:
        return str(nt.FALLBACK_TEXT)
    if personal and verb.personal is not None:
        return str(verb.personal)
    return str(verb.text)


def _details(activity: Activity) -> list[str]:
    """Small extras after the sentence: the answer state, the public reason."""
    extra = activity.extra or {}
    parts = []
    state = extra.get("state")
    if activity.verb == "proposal.answered" and state in nt.ANSWER_STATES:
        parts.append(_("Answer: %(state)s.") % {"state": nt.ANSWER_STATES[state]})
    progress = extra.get("progress")
    if activity.verb == "result.status_changed" and isinstance(progress, int):
        parts.append(_("Now %(progress)s%% complete.") % {"progress": progress})
    reason = extra.get("reason")
    if activity.verb.startswith("moderation.") and isinstance(reason, str) and reason:
        parts.append(_("Reason: %(reason)s") % {"reason": reason[:300]})
    return parts


def sentence_html(
    activity: Activity,
    target: Target | None,
    parent: Target | None = None,
    *,
    personal: bool = False,
    link_actor: bool = True,
    target_url: str | None = None,
    others: int = 0,
) -> SafeString:
    actor = actor_of(activity)
    if link_actor and actor.url:
        actor_html = format_html('<a class="govuk-link" href="{}">{}</a>', actor.url, actor.name)
    else:
        actor_html = conditional_escape(actor.name)

    def linked(t: Target | None) -> str:
        if t is None:
            return conditional_escape(_("something that is no longer available"))
        url = target_url if target_url is not None else t.url
        title = format_html("“{}”", t.title)
        if url:
            return format_html('<a class="govuk-link" href="{}">{}</a>', url, title)
        return title

    target_html = linked(target)
    # Comments are named by what they comment on, linking to the comment.
    if parent is not None and target is not None:
        parent_html = _link_to(parent, target, target_url)
    else:
        parent_html = target_html
    template = _template(activity, personal)
    if others and activity.verb == "comment.created":
        template = ngettext(
            "%(actor)s and %(count)d other person commented on %(parent)s",
            "%(actor)s and %(count)d other people commented on %(parent)s",
            others,
        )
    text = escape(template) % {
        "actor": actor_html,
        "target": target_html,
        "parent": parent_html,
        "count": others,
    }
    details = " ".join(escape(d) for d in _details(activity))
    return mark_safe(f"{text}. {details}" if details else f"{text}.")


def _link_to(parent: Target, target: Target, target_url: str | None) -> str:
    url = target_url if target_url is not None else (target.url or parent.url)
    title = format_html("“{}”", parent.title)
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, title) if url else title


def sentence_text(
    activity: Activity,
    target: Target | None,
    parent: Target | None = None,
    *,
    personal: bool = False,
) -> str:
    actor = actor_of(activity)

    def named(t: Target | None) -> str:
        return f"“{t.title}”" if t is not None else _("something that is no longer available")

    text = _template(activity, personal) % {
        "actor": actor.name,
        "target": named(target),
        "parent": named(parent if parent is not None else target),
    }
    details = " ".join(_details(activity))
    return f"{text}. {details}" if details else f"{text}."
