"""The census hash and the code-letter codes.

Census hash (shared with the census office, documented in docs/residency.md)::

    identifier_hash = hex(HMAC-SHA256(key, normalise(identifier) + "|" + birth_date))

* ``key``: ``WEGOV_RESIDENCY_CENSUS_KEY``, UTF-8; the census office and WeGov hold
  it, nobody else (so a leaked list cannot be brute-forced without the key).
* ``normalise(identifier)``: Unicode NFKC, spaces, dots, hyphens and slashes
  removed, upper case (" ab-123.456 " -> "AB123456").
* ``birth_date``: ISO 8601, ``YYYY-MM-DD``.
* the result: 64 lower-case hexadecimal characters.

Codes on letters are 12 characters of an alphabet without look-alikes
(no 0/O, 1/I/L), printed in groups of four (``ABCD-EFGH-JKMN``); only their
SHA-256 is stored. 31^12 is about 2^59: guessing one is hopeless, and the
lockout allows five failures an hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings

HASH_RE = re.compile(r"^[0-9a-f]{64}$")
_SEPARATORS = re.compile(r"[\s.\-/_]+")
IDENTIFIER_MAX = 40

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def normalise_identifier(identifier: str) -> str:
    text = unicodedata.normalize("NFKC", identifier or "")
    return _SEPARATORS.sub("", text).upper()


def census_hash(identifier: str, birth_date: dt.date, *, key: str | None = None) -> str:
    """The hash of a person for the census list (see the module docstring)."""
    normalised = normalise_identifier(identifier)
    if not normalised:
        raise ValueError("empty identifier")
    key = settings.WEGOV_RESIDENCY_CENSUS_KEY if key is None else key
    message = f"{normalised}|{birth_date.isoformat()}"
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def parse_iso_date(value: str) -> dt.date:
    """A ``YYYY-MM-DD`` date; ValueError for anything else."""
    value = (value or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def new_code(rng=None) -> str:
    rng = rng or secrets.SystemRandom()
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    text = unicodedata.normalize("NFKC", code or "")
    return _SEPARATORS.sub("", text).upper()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()
