"""Template tags other apps embed.

``{% follow_button target_kind target_id %}``: a Follow / Unfollow button (a
POST form that works without JavaScript, enhanced with htmx), or a "log in to
follow" link. One query per page at most, however many buttons it shows.

``{% activity_feed %}``: the home page's "what's happening" feed, with a
"from what you follow" tab for people who are logged in.
"""

from django import template
from django.contrib.auth.views import redirect_to_login
from django.template.loader import render_to_string
from django.urls import reverse

from wegov.accounts.rules import is_participant

from .. import selectors, targets

register = template.Library()

HOME_FEED_LIMIT = 10


def _followed(request) -> dict[str, set[int]]:
    cached = getattr(request, "_social_followed", None)
    if cached is None:
        cached = selectors.followed(request.user)
        request._social_followed = cached
    return cached


def follow_button_context(request, target_kind, target_id, *, next_url=None) -> dict:
    user = request.user
    try:
        target_id = int(target_id)
    except (TypeError, ValueError):
        return {"state": "none"}
    next_url = next_url or request.get_full_path()
    context = {
        "target_kind": target_kind,
        "target_id": target_id,
        "kind_label": targets.kind_label(target_kind),
        "next": next_url,
    }
    if not user.is_authenticated:
        login = redirect_to_login(next_url)["Location"]
        return {**context, "state": "anonymous", "login_url": login}
    if target_kind == "user" and target_id == user.pk:
        return {**context, "state": "none"}
    following = target_id in _followed(request).get(target_kind, set())
    if not following and not is_participant(user):
        return {**context, "state": "none"}
    return {
        **context,
        "state": "following" if following else "not_following",
        "action_url": reverse("social:follow"),
    }


@register.simple_tag(takes_context=True)
def follow_button(context, target_kind, target_id):
    request = context.get("request")
    if request is None or not targets.is_followable_kind(str(target_kind)):
        return ""
    button = follow_button_context(request, str(target_kind), target_id)
    if button["state"] == "none":
        return ""
    return render_to_string("social/_follow_button.html", button, request=request)


@register.inclusion_tag("social/_feed.html", takes_context=True)
def activity_feed(context, limit=HOME_FEED_LIMIT):
    request = context.get("request")
    user = getattr(request, "user", None)
    logged_in = bool(user and user.is_authenticated)
    following = logged_in and request.GET.get("feed") == "following"
    return {
        "request": request,
        "logged_in": logged_in,
        "following": following,
        "items": selectors.feed(user if logged_in else None, following=following, limit=limit),
        "home_url": request.path if request else "/",
    }
