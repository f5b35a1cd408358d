"""Whole numbers from what people and clients type: ASCII digits that fit a database id.

``str.isdigit()`` accepts "²" and "٣" (and ``int("²")`` then raises), and a Python int has no
upper bound while a database id stops at 2**63 - 1, so ``isdigit() and int(...)`` gave 500s
on hostile input (issue 16). Every place that reads an id or a count from a URL, a query or a
form field uses this instead.
"""

from __future__ import annotations

import re

# The largest value of a PostgreSQL bigint, and of a SQLite INTEGER.
LARGEST_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def whole_number(value: object, *, maximum: int = LARGEST_ID) -> int | None:
    """The number ``value`` spells in ASCII digits, if it is from 0 to ``maximum``; else None."""
    text = str(value).strip() if value is not None else ""
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None


def object_id(value: object) -> int | None:
    """A database id (1 to 2**63 - 1) from ``value``, or None."""
    number = whole_number(value)
    return number if number else None
