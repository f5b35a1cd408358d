"""``{% load comments_tags %}{% comments_section obj %}``: the whole comments
section of any registered contribution (heading with count, sort, stance
summary and filter, the thread, and the form or the reason one cannot comment).

The section reads ``csort`` (best, newest, oldest), ``cstance`` (for, against,
neutral) and ``cpage`` from the page's query string, so it never clashes with
the host page's own parameters.
"""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wegov.core import registry
from wegov.moderation.templatetags.moderation_tags import flag_links_for

from .. import selectors
from ..forms import CommentForm
from ..models import MAX_DEPTH, Stance
from ..render import render_thread

register = template.Library()

SORT_LABELS = {"best": _("Best"), "newest": _("Newest"), "oldest": _("Oldest")}


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context, obj):
    request = context.get("request")
    try:
        kind = registry.kind_of(obj)
    except KeyError:
        return {"show": False}
    if request is None or not kind.commentable or kind.is_hidden(obj):
        return {"show": False}
    user = request.user
    query = request.GET
    thread = selectors.thread(
        kind.kind,
        obj.pk,
        sort=query.get("csort") or selectors.Sort.BEST,
        stance=query.get("cstance") or None,
        viewer=user,
        page=query.get("cpage") or 1,
        stances=kind.comment_stances,
    )
    reason = selectors.refusal(user, obj, kind)
    here = request.get_full_path()
    next_q = quote(here, safe="/")
    thread_html = render_thread(
        thread.nodes,
        user=user,
        can_comment=reason is None,
        max_depth=MAX_DEPTH,
        next=here,
        next_q=next_q,
        csrf_token=str(context.get("csrf_token") or ""),
        flag_links=flag_links_for(request, user, registry.get_kind("comment")),
    )
    return {
        "show": True,
        "request": request,
        "user": user,
        "kind": kind,
        "obj": obj,
        "thread": thread,
        "reason": reason,
        "can_comment": reason is None,
        "form": CommentForm(stances=kind.comment_stances, auto_id="new-comment-%s"),
        "next": here,
        "next_q": next_q,
        "thread_html": thread_html,
        "login_url": f"{reverse('account_login')}?next={quote(here + '#comments', safe='/')}",
        "max_depth": MAX_DEPTH,
        "sorts": list(SORT_LABELS.items()),
        "stance_choices": [
            (value, label, thread.stance_counts.get(value, 0)) for value, label in Stance.choices
        ],
    }
