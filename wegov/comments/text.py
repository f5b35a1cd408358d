"""Comment text: cleaning what people type, finding @mentions, rendering safely.

Comments are plain text. They are stored as typed (after trimming) and
escaped when shown; HTML is never interpreted. Paragraphs and line breaks are
kept, web addresses become links, and resolved @mentions link to the person's
public profile.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from .models import MAX_BODY

# "@" at the start of the text or after something that is not a letter, digit
# or "@" (so e-mail addresses are not mentions), followed by a letter or digit.
MENTION_START = re.compile(r"(?<![\w@])@(?=\w)")
# A display name is at most 60 characters; we try names of up to this many words.
MAX_NAME_WORDS = 6
MAX_NAME_CHARS = 60
# At most this many people are notified from one comment, and at most this many
# "@" are looked at (so a comment full of "@" costs one bounded query).
MAX_MENTIONS = 10
MAX_MENTION_MARKS = 30
TRAILING_PUNCTUATION = ".,;:!?)]}'\"’”"


def clean_body(body: str | None) -> str:
    """Trim, normalise newlines, drop control characters; validate length."""
    text = normalize_newlines(body or "")
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    text = re.sub(r"[ \t]+\n", "\n", text).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not text:
        raise ValidationError({"body": _("Write your comment.")}, code="required")
    if len(text) > MAX_BODY:
        raise ValidationError(
            {
                "body": _(
                    "A comment can have at most %(max)d characters; yours has %(n)d. "
                    "Shorten it and try again."
                )
                % {"max": MAX_BODY, "n": len(text)}
            },
            code="max_length",
        )
    return text


def mention_marks(body: str) -> list[list[str]]:
    """For each "@" that may start a mention, the lower-case names it could be,
    longest first ("@Anna Citizen, hi" -> ["anna citizen, hi", ..., "anna"])."""
    marks = []
    for match in MENTION_START.finditer(body):
        if len(marks) >= MAX_MENTION_MARKS:
            break
        line = body[match.end() : match.end() + MAX_NAME_CHARS + 1].split("\n", 1)[0]
        words = line.split()[:MAX_NAME_WORDS]
        names: list[str] = []
        for n in range(len(words), 0, -1):
            text = " ".join(words[:n]).lower()
            stripped = text.rstrip(TRAILING_PUNCTUATION)
            for candidate in (text, stripped):
                if candidate and len(candidate) <= MAX_NAME_CHARS and candidate not in names:
                    names.append(candidate)
        if names:
            marks.append(names)
    return marks


def resolve_mentions(
    marks: list[list[str]],
    users_by_name: dict[str, list],
    in_thread: Callable[[], set[int]],
    exclude: set[int] = frozenset(),
) -> list:
    """Pick one user per "@": the longest name that belongs to someone.

    When several people share that name, the one already taking part in the
    thread wins (``in_thread()`` gives their ids, computed only if needed);
    if that does not settle it, nobody is mentioned rather than the wrong
    person. People in ``exclude`` (the writer...) are skipped. At most
    ``MAX_MENTIONS`` distinct people.
    """
    chosen: list = []
    participants: set[int] | None = None
    for names in marks:
        for name in names:
            people = users_by_name.get(name)
            if not people:
                continue
            if len(people) > 1:
                if participants is None:
                    participants = in_thread()
                people = [p for p in people if p.pk in participants]
            if (
                len(people) == 1
                and people[0].pk not in exclude
                and all(p.pk != people[0].pk for p, _n in chosen)
            ):
                chosen.append((people[0], name))
            break  # the longest existing name decides, even when ambiguous
        if len(chosen) >= MAX_MENTIONS:
            break
    return chosen


def profile_url(public_id) -> str:
    try:
        return reverse("social:profile", args=[public_id])
    except NoReverseMatch:
        return ""


def _plain(text: str) -> str:
    # Web addresses become links; everything else is escaped.
    return urlize(text, nofollow=True, autoescape=True)


def _render_line(line: str, mentions: list[dict]) -> str:
    if not mentions:
        return _plain(line)
    names = sorted(mentions, key=lambda m: len(m["name"]), reverse=True)
    out, position = [], 0
    for match in MENTION_START.finditer(line):
        start = match.end()
        if start < position:
            continue
        rest = line[start:].lower()
        for mention in names:
            name = mention["name"].lower()
            after = line[start + len(name) : start + len(name) + 1]
            if rest.startswith(name) and not (after and (after.isalnum() or after == "_")):
                out.append(_plain(line[position : match.start()]))
                shown = "@" + line[start : start + len(name)]
                url = mention.get("url") or profile_url(mention["public_id"])
                if url:
                    out.append(format_html('<a class="govuk-link" href="{}">{}</a>', url, shown))
                else:
                    out.append(format_html("<strong>{}</strong>", shown))
                position = start + len(name)
                break
    out.append(_plain(line[position:]))
    return "".join(out)


def render_body(body: str, mentions: Iterable[dict] = ()) -> SafeString:
    """Escaped HTML: paragraphs on blank lines, <br> on single newlines,
    links for web addresses and for the resolved @mentions."""
    mentions = [m for m in mentions if m.get("name") and m.get("public_id")]
    if mentions:
        # One reverse() per person, not per occurrence.
        mentions = [{**m, "url": profile_url(m["public_id"])} for m in mentions]
    paragraphs = [p for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        lines = [_render_line(line, mentions) for line in paragraph.split("\n")]
        html.append('<p class="govuk-body wegov-comment__text">' + "<br>".join(lines) + "</p>")
    return mark_safe("".join(html))


__all__ = ["clean_body", "mention_marks", "render_body", "resolve_mentions"]
