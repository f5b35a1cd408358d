"""A page of the comment thread as HTML, written in Python.

A page shows 50 top-level comments with their replies, often more than a
hundred comments. Rendered through a recursive ``{% include %}``, each cost
about 3 ms of template-engine work (some 250 variable look-ups, 15
translations, 5 URL reversals), so a busy proposal's page took 300 ms for a
signed-in person. Here the texts are translated once per page, the URLs
reversed once and filled in per comment, and each comment's text (links,
@mentions) is rendered once per version of it: about 0.1 ms a comment. The
markup is what ``comments/_section.html`` used to include per comment.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from wegov.core.models import public_hidden_reason

from .models import Comment, Stance
from .text import render_body

_PK = 987654321  # a stand-in id: each URL is reversed once per page
_UUID = "00000000-0000-4000-8000-000000000abc"

STANCE_TAG_CLASS = {
    Stance.FOR: "govuk-tag--green",
    Stance.AGAINST: "govuk-tag--red",
    Stance.NEUTRAL: "govuk-tag--grey",
}

# --- Comment texts, rendered once per version ------------------------------------------

_BODY_CACHE_SIZE = 20_000
_bodies: OrderedDict[tuple, SafeString] = OrderedDict()
_bodies_lock = threading.Lock()


def body_html(comment: Comment) -> SafeString:
    """The comment's text as safe HTML (``text.render_body``), kept per comment
    and version: a comment changes only by an edit (``edited_at``)."""
    key = (comment.pk, comment.edited_at, comment.body[:32])
    with _bodies_lock:
        html = _bodies.get(key)
        if html is not None:
            _bodies.move_to_end(key)
            return html
    html = render_body(comment.body, comment.mentions)
    with _bodies_lock:
        _bodies[key] = html
        while len(_bodies) > _BODY_CACHE_SIZE:
            _bodies.popitem(last=False)
    return html


# --- The thread ------------------------------------------------------------------------


@dataclass
class _Page:
    """What is the same for every comment of the page."""

    user_id: int | None
    can_comment: bool
    max_depth: int
    next: str
    next_q: str
    csrf_input: str
    flag_links: Callable[[Comment], str]
    urls: dict[str, str]
    texts: dict[str, str]
    stance_labels: dict[str, str]


def _url(page: _Page, name: str, pk) -> str:
    return page.urls[name].replace(str(_PK), str(pk), 1)


def render_thread(
    nodes,
    *,
    user,
    can_comment: bool,
    max_depth: int,
    next: str,
    next_q: str,
    csrf_token: str,
    flag_links: Callable[[Comment], str],
) -> SafeString:
    """The ``<li>`` of each node (a ``selectors.Node``) with its replies."""
    page = _Page(
        user_id=user.pk if getattr(user, "is_authenticated", False) else None,
        can_comment=can_comment,
        max_depth=max_depth,
        next=next,
        next_q=next_q,
        csrf_input=format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token
        ),
        flag_links=flag_links,
        urls={
            name: reverse(f"comments:{name}", args=[_PK])
            for name in ("vote", "reply", "edit", "delete", "history")
        }
        | {"profile": reverse("social:profile", args=[_UUID])},
        texts={
            "hidden": _("Comment hidden by moderation."),
            "deleted": _("Comment deleted."),
            "edited": _("edited"),
            "earlier": _("see the earlier versions"),
            "up": _("Up"),
            "down": _("Down"),
            "reply": _("Reply"),
            "edit": _("Edit"),
            "delete": _("Delete"),
            "yours": _("your comment"),
            "replies": _("Replies"),
        },
        stance_labels={value: str(label) for value, label in Stance.choices},
    )
    parts: list[str] = []
    for node in nodes:
        _node(page, node, parts)
    return mark_safe("".join(parts))


def _node(page: _Page, node, out: list[str]) -> None:
    c = node.comment
    pk = c.pk
    out.append(
        f'<li class="wegov-comment wegov-comment--depth-{c.depth}">'
        f'<article id="comment-{pk}" class="govuk-!-margin-bottom-4" '
        f'aria-labelledby="comment-{pk}-by">'
    )
    if node.is_placeholder:
        if c.is_hidden:
            reason = public_hidden_reason(c.hidden_reason)
            text = (
                _("Comment hidden by moderation: %(reason)s") % {"reason": reason}
                if reason
                else page.texts["hidden"]
            )
        else:
            text = page.texts["deleted"]
        out.append(
            f'<p class="govuk-body govuk-hint govuk-!-margin-bottom-2" id="comment-{pk}-by">'
            f"{escape(text)}</p>"
        )
    else:
        _byline(page, c, out)
        out.append(body_html(c))
        _actions(page, node, out)
    if node.replies:
        out.append(
            '<ol class="govuk-list govuk-inset-text govuk-!-margin-top-2 '
            "govuk-!-margin-bottom-2 govuk-!-padding-top-1 govuk-!-padding-bottom-1 "
            f'wegov-comment__replies" aria-label="{escape(page.texts["replies"])}">'
        )
        for reply in node.replies:
            _node(page, reply, out)
        out.append("</ol>")
    out.append("</article></li>")


def _byline(page: _Page, c: Comment, out: list[str]) -> None:
    author = c.author
    name = c.public_author()
    if author is not None and not author.erased_at:
        url = page.urls["profile"].replace(_UUID, str(author.public_id), 1)
        who = format_html('<a class="govuk-link" href="{}">{}</a>', url, name)
    else:
        who = escape(name)
    when = timezone.localtime(c.created_at)
    out.append(
        f'<p class="govuk-body-s govuk-!-margin-bottom-1" id="comment-{c.pk}-by">'
        f"<strong>{who}</strong> · "
        f'<a class="govuk-link govuk-link--muted" href="#comment-{c.pk}">'
        f'<time datetime="{formats.date_format(when, "c")}">'
        f"{escape(formats.date_format(when, 'j F Y, H:i'))}</time></a>"
    )
    if c.stance:
        label = page.stance_labels.get(c.stance, c.stance)
        tag = STANCE_TAG_CLASS.get(c.stance, "govuk-tag--grey")
        out.append(f' <strong class="govuk-tag {tag}">{escape(label)}</strong>')
    if c.edited_at:
        out.append(
            f' · <a class="govuk-link govuk-link--muted" href="{_url(page, "history", c.pk)}">'
            f'{escape(page.texts["edited"])}<span class="govuk-visually-hidden"> – '
            f"{escape(page.texts['earlier'])}</span></a>"
        )
    out.append("</p>")


def _vote_button(page: _Page, node, c: Comment, direction: int) -> str:
    name = c.public_author()
    if direction == 1:
        value = "none" if node.your_vote == 1 else "up"
        label, count = page.texts["up"], c.upvotes
        hidden = _("vote up the comment by %(name)s") % {"name": name}
    else:
        value = "none" if node.your_vote == -1 else "down"
        label, count = page.texts["down"], c.downvotes
        hidden = _("vote down the comment by %(name)s") % {"name": name}
    pressed = "true" if node.your_vote == direction else "false"
    return (
        f'<button type="submit" name="value" value="{value}" class="govuk-button '
        'govuk-button--secondary govuk-!-margin-bottom-1 govuk-!-margin-right-1" '
        f'aria-pressed="{pressed}">{escape(label)} {count}'
        f'<span class="govuk-visually-hidden"> – {escape(hidden)}</span></button>'
    )


def _actions(page: _Page, node, out: list[str]) -> None:
    c = node.comment
    own = page.user_id is not None and c.author_id == page.user_id
    out.append('<div class="wegov-comment__actions govuk-body-s">')
    if page.user_id is not None and not own and page.can_comment:
        out.append(
            f'<form method="post" action="{_url(page, "vote", c.pk)}" class="wegov-comment__vote">'
            f"{page.csrf_input}"
            f'<input type="hidden" name="next" value="{escape(page.next)}">'
            f"{_vote_button(page, node, c, 1)}{_vote_button(page, node, c, -1)}</form>"
        )
    else:
        counts = _("%(up)s up, %(down)s down") % {"up": c.upvotes, "down": c.downvotes}
        out.append(f'<p class="govuk-body-s govuk-!-margin-bottom-1">{escape(counts)}</p>')
    out.append('<div class="govuk-body-s govuk-!-margin-bottom-1">')
    name = c.public_author()
    if page.can_comment and c.depth < page.max_depth:
        to_whom = _("to the comment by %(name)s") % {"name": name}
        out.append(
            f'<a class="govuk-link govuk-!-margin-right-2" '
            f'href="{_url(page, "reply", c.pk)}?next={escape(page.next_q)}">'
            f'{escape(page.texts["reply"])}<span class="govuk-visually-hidden"> '
            f"{escape(to_whom)}</span></a>"
        )
    if own:
        yours = escape(page.texts["yours"])
        if page.can_comment:
            out.append(
                f'<a class="govuk-link govuk-!-margin-right-2" '
                f'href="{_url(page, "edit", c.pk)}?next={escape(page.next_q)}">'
                f'{escape(page.texts["edit"])}<span class="govuk-visually-hidden"> '
                f"{yours}</span></a>"
            )
        out.append(
            f'<a class="govuk-link govuk-!-margin-right-2" '
            f'href="{_url(page, "delete", c.pk)}?next={escape(page.next_q)}">'
            f'{escape(page.texts["delete"])}<span class="govuk-visually-hidden"> '
            f"{yours}</span></a>"
        )
    out.append(str(page.flag_links(c)))
    out.append("</div></div>")
