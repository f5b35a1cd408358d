"""User text in, safe HTML out.

Plain text fields are escaped by the templates; rich text (process
descriptions, official answers) is cleaned here with nh3 to a small allow-list
before it is stored, so every consumer (page, email, API, map popup) gets the
same safe markup.
"""

import nh3

RICH_TEXT_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
}
RICH_TEXT_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_rich_text(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
    )
