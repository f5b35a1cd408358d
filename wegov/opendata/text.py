"""Free text made safe to publish as open data: plain text, no markup, no
control characters, and no email addresses or phone numbers that people typed
into a description (they are personal data even when the author wrote them)."""

from __future__ import annotations

import html
import re

import nh3

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits with the usual separators; only replaced when it holds at
# least 9 digits (a phone number), so dates, years and house numbers stay.
PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d ()./-]{6,}\d")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
BLANK_LINES = re.compile(r"\n{3,}")
EMAIL_REPLACEMENT = "[email removed]"
PHONE_REPLACEMENT = "[phone number removed]"


def _phone(match: re.Match) -> str:
    text = match.group(0)
    return PHONE_REPLACEMENT if sum(c.isdigit() for c in text) >= 9 else text


def redact(text: str) -> str:
    if "@" in text:
        text = EMAIL.sub(EMAIL_REPLACEMENT, text)
    return PHONE_CANDIDATE.sub(_phone, text)


def plain_text(value) -> str:
    """User-written text as plain text: tags removed (with the content of
    script and style), entities decoded, control characters dropped, line
    breaks normalised, contact details redacted."""
    if not value:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text or "&" in text:
        text = html.unescape(nh3.clean(text, tags=set()))
    text = CONTROL.sub("", text)
    return redact(text).strip()


def html_to_text(value) -> str:
    """Sanitised rich text (process descriptions) as plain text with a line
    break after each paragraph or list item."""
    if not value:
        return ""
    text = BLOCK_END.sub("\n", str(value))
    text = html.unescape(nh3.clean(text, tags=set()))
    text = CONTROL.sub("", text)
    return BLANK_LINES.sub("\n\n", redact(text)).strip()


FORMULA_START = ("=", "+", "-", "@", "\t")


def csv_cell(value: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading quote
    (OWASP "CSV injection"); only in the CSV files, never in JSON."""
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value
