"""Quality score of submitted data: 0 to 100, with the parts that explain it.

Kind-agnostic heuristics only: each kind (reports, proposals...) builds a
``Submission`` from its row (with the duplicate it found its own way) and
stores ``assess(...)``'s score and parts. Staff and moderators see the score
and why; citizens never do.

Parts (maximum points; they add up to 100):

- location (25): inside the city and a district; plus one part per finding of
  the registered location checks (``register_location_check``), each a
  penalty;
- completeness (20): title and description long enough, a photo where the
  kind takes photos;
- duplicate (20): no earlier item looks like the same thing;
- spam (25): no heaps of links, ALL CAPS or repeated characters;
- language (10): written in one of the site's languages (stopword ratios for
  en, nl, it and de; no dependency).

A part's reason is stored as its English message id with parameters and
translated when shown, so every staff member reads it in their own language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext

logger = logging.getLogger(__name__)

SCORE_MIN, SCORE_MAX = 0, 100

LOCATION_MAX = 25
COMPLETENESS_MAX = 20
DUPLICATE_MAX = 20
SPAM_MAX = 25
LANGUAGE_MAX = 10

# --- Location checks: a small registry other apps plug into ---------------------
# fn(lat, lon) -> list of (penalty, reason); penalty is a positive number of
# points taken off, reason a (lazily) translatable message.
LocationCheck = Callable[[float, float], list[tuple[int, Any]]]
LOCATION_CHECKS: list[LocationCheck] = []


def register_location_check(fn: LocationCheck) -> LocationCheck:
    """Add a location check (usable as a decorator); registering twice is a no-op."""
    if fn not in LOCATION_CHECKS:
        LOCATION_CHECKS.append(fn)
    return fn


def unregister_location_check(fn: LocationCheck) -> None:
    if fn in LOCATION_CHECKS:
        LOCATION_CHECKS.remove(fn)


# --- Parts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    name: str
    points: int
    max: int
    reason: str  # English message id, "%(name)s" placeholders
    params: dict = field(default_factory=dict)
    plural: str = ""  # with ``count`` in params: ngettext(reason, plural, count)

    @property
    def text(self) -> str:
        """The reason in the active language."""
        if self.plural:
            message = ngettext(self.reason, self.plural, int(self.params.get("count", 0)))
        else:
            message = gettext(self.reason)
        params = {
            key: ", ".join(gettext(item) for item in value) if isinstance(value, list) else value
            for key, value in self.params.items()
        }
        try:
            return message % params if params else message
        except (KeyError, TypeError, ValueError):
            return self.reason

    @property
    def shown(self) -> str:
        """Plus the points for full marks, else minus the points lost."""
        if self.max > 0 and self.points >= self.max:
            return f"+{self.points}"
        lost = self.max - self.points
        return f"−{lost}" if lost else "0"

    @property
    def is_deduction(self) -> bool:
        return self.points < self.max

    def as_json(self) -> dict:
        data = {"name": self.name, "points": self.points, "max": self.max, "reason": self.reason}
        if self.params:
            data["params"] = self.params
        if self.plural:
            data["plural"] = self.plural
        return data

    @classmethod
    def from_json(cls, data: dict) -> Part:
        return cls(
            name=str(data.get("name", "")),
            points=int(data.get("points", 0)),
            max=int(data.get("max", 0)),
            reason=str(data.get("reason", "")),
            params=dict(data.get("params") or {}),
            plural=str(data.get("plural", "")),
        )


def parts_from_json(data) -> list[Part]:
    """Stored parts, ready to show (``part.text``, ``part.shown``)."""
    if not isinstance(data, list):
        return []
    return [Part.from_json(item) for item in data if isinstance(item, dict)]


@dataclass(frozen=True)
class Duplicate:
    """An earlier item that looks like the same thing, as the kind found it."""

    reason: str  # message id with %(id)s, %(metres)s, %(count)s (days)
    plural: str
    params: dict


@dataclass
class Submission:
    title: str
    text: str
    lat: float | None = None
    lon: float | None = None
    location_required: bool = True
    # Name of the district the point lies in; None: compute it here.
    district_name: str | None = None
    inside_city: bool | None = None
    # None when the kind takes no photos.
    has_photo: bool | None = None
    duplicate: Duplicate | None = None


@dataclass
class Result:
    score: int
    parts: list[Part]

    def parts_json(self) -> list[dict]:
        return [part.as_json() for part in self.parts]


# --- The heuristics ----------------------------------------------------------------


def _location_parts(sub: Submission) -> list[Part]:
    if sub.lat is None or sub.lon is None:
        if sub.location_required:
            return [Part("location", 0, LOCATION_MAX, gettext_noop("Location: none given"))]
        return [
            Part(
                "location",
                LOCATION_MAX,
                LOCATION_MAX,
                gettext_noop("Location: none given (not needed here)"),
            )
        ]
    from wegov.places.selectors import district_at, is_inside_city

    inside = sub.inside_city if sub.inside_city is not None else is_inside_city(sub.lat, sub.lon)
    if not inside:
        parts = [Part("location", 0, LOCATION_MAX, gettext_noop("Location: outside the city"))]
    else:
        name = sub.district_name
        if name is None:
            district = district_at(sub.lat, sub.lon)
            name = district.name if district else ""
        if name:
            parts = [
                Part(
                    "location",
                    LOCATION_MAX,
                    LOCATION_MAX,
                    gettext_noop("Location: inside %(district)s"),
                    {"district": name},
                )
            ]
        else:
            parts = [
                Part(
                    "location",
                    LOCATION_MAX - 10,
                    LOCATION_MAX,
                    gettext_noop("Location: inside the city but in no district"),
                )
            ]
    for check in list(LOCATION_CHECKS):
        try:
            findings = check(sub.lat, sub.lon) or []
        except Exception:  # a broken check must never refuse a report
            logger.exception("Location check %r failed", check)
            continue
        for penalty, reason in findings:
            # Store the English message id: shown translated later.
            with translation.override(None):
                message = str(reason)
            parts.append(Part("location_check", -abs(int(penalty)), 0, message))
    return parts


def _completeness_part(sub: Submission) -> Part:
    text = sub.text.strip()
    title = sub.title.strip()
    lost, reasons = 0, []
    if len(text) < 30:
        lost += 10
        reasons.append(gettext_noop("Description very short"))
    elif len(text) < 80:
        lost += 5
        reasons.append(gettext_noop("Description short"))
    if len(title) < 5:
        lost += 5
        reasons.append(gettext_noop("Title very short"))
    if sub.has_photo is False:
        lost += 5
        reasons.append(gettext_noop("No photo"))
    if not reasons:
        return Part("completeness", COMPLETENESS_MAX, COMPLETENESS_MAX, gettext_noop("Complete"))
    lost = min(lost, COMPLETENESS_MAX)
    # One stored message per combination would explode: join translated
    # fragments at display time through the "issues" parameter list.
    return Part(
        "completeness",
        COMPLETENESS_MAX - lost,
        COMPLETENESS_MAX,
        reasons[0] if len(reasons) == 1 else gettext_noop("Incomplete: %(issues)s"),
        {} if len(reasons) == 1 else {"issues": reasons},
    )


def _duplicate_part(sub: Submission) -> Part:
    if sub.duplicate is None:
        return Part(
            "duplicate", DUPLICATE_MAX, DUPLICATE_MAX, gettext_noop("No earlier duplicate found")
        )
    d = sub.duplicate
    return Part("duplicate", 0, DUPLICATE_MAX, d.reason, d.params, d.plural)


LINK = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
REPEATED = re.compile(r"(\S)\1{5,}")
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def spam_signals(title: str, text: str) -> list[str]:
    """Message ids of the spam signs found."""
    whole = f"{title}\n{text}"
    signals = []
    if len(LINK.findall(whole)) >= 3:
        signals.append(gettext_noop("many links"))
    letters = LETTER.findall(whole)
    if len(letters) >= 20 and sum(1 for c in letters if c.isupper()) / len(letters) > 0.7:
        signals.append(gettext_noop("ALL CAPS"))
    if REPEATED.search(whole):
        signals.append(gettext_noop("repeated characters"))
    return signals


def _spam_part(sub: Submission) -> Part:
    signals = spam_signals(sub.title, sub.text)
    if not signals:
        return Part("spam", SPAM_MAX, SPAM_MAX, gettext_noop("No signs of spam"))
    points = 10 if len(signals) == 1 else 0
    return Part(
        "spam",
        points,
        SPAM_MAX,
        gettext_noop("Signs of spam: %(issues)s"),
        {"issues": signals},
    )


# A few dozen of each language's commonest words (articles, pronouns,
# prepositions, auxiliaries).
_STOPWORD_TEXT = {
    "en": (
        "the and of to is it that was for with are this have be not you they from "
        "but by at or his her she which there their been has would were can will "
        "my our your what when because very should could please near"
    ),
    "nl": (
        "de het een en van dat niet op te zijn met voor er maar ook als bij "
        "nog wel naar kan hij ze wordt werd zijn deze dit geen veel moet graag "
        "heel erg straat weg hier daar omdat"
    ),
    "it": (
        "il lo la gli le di che è e un una non per con sono del della dei nel "
        "alla questo questa anche più ma come ci si molto strada qui perché "
        "essere stato sul dal"
    ),
    "de": (
        "der die das und ist nicht ein eine zu mit sich auf für dem den des "
        "von sie es auch wird noch wir bitte sehr hier dass weil kein keine "
        "straße strasse oder aber"
    ),
    # Two languages the site does not speak, so that their text is told apart
    # from Italian or Dutch it shares a few words with.
    "fr": (
        "le la les des du un une est et dans pour pas que qui sur avec sont "
        "depuis déjà très nous vous ils elle mais aussi rue ce cette"
    ),
    "es": (
        "el la los las del un una es y en por para que con no se muy calle "
        "pero también esta este desde hay"
    ),
}
STOPWORDS = {code: frozenset(text.split()) for code, text in _STOPWORD_TEXT.items()}
WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS_FOR_LANGUAGE = 8
MIN_STOPWORD_RATIO = 0.08


def detect_language(text: str) -> str | None:
    """ "en", "nl", "it" or "de"; "" when it looks like none of them; None
    when the text is too short to tell."""
    words = [w.lower() for w in WORDS.findall(text)]
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return None
    ratios = {
        code: sum(1 for w in words if w in stops) / len(words) for code, stops in STOPWORDS.items()
    }
    best = max(ratios, key=lambda code: (ratios[code], code == "en"))
    return best if ratios[best] >= MIN_STOPWORD_RATIO else ""


def _language_part(sub: Submission) -> Part:
    code = detect_language(f"{sub.title}\n{sub.text}")
    site = dict(settings.LANGUAGES)
    if code is None:
        return Part(
            "language", LANGUAGE_MAX, LANGUAGE_MAX, gettext_noop("Too short to tell the language")
        )
    if code and code in site:
        return Part(
            "language",
            LANGUAGE_MAX,
            LANGUAGE_MAX,
            gettext_noop("Language: %(language)s"),
            {"language": site[code]},
        )
    return Part(
        "language", 0, LANGUAGE_MAX, gettext_noop("Language not one of the site's languages")
    )


def assess(sub: Submission) -> Result:
    """The score and its parts."""
    parts = [
        *_location_parts(sub),
        _completeness_part(sub),
        _duplicate_part(sub),
        _spam_part(sub),
        _language_part(sub),
    ]
    total = sum(part.points for part in parts)
    return Result(score=max(SCORE_MIN, min(SCORE_MAX, total)), parts=parts)


# --- Scored kinds: for the moderation queue and ``manage.py score_quality`` -------


@dataclass(frozen=True)
class ScoredKind:
    kind: str  # the contribution registry's kind, e.g. "report"
    model: Any
    # (queryset of rows) -> number rescored; stores score and parts.
    rescore: Callable[[Any], int]


SCORED_KINDS: dict[str, ScoredKind] = {}


def register_scored_kind(kind: str, model, rescore: Callable[[Any], int]) -> None:
    SCORED_KINDS[kind] = ScoredKind(kind=kind, model=model, rescore=rescore)


def band(score: int | None) -> str:
    """ "low", "medium" or "high": the tag colour on staff pages."""
    if score is None:
        return ""
    if score < 50:
        return "low"
    if score < 75:
        return "medium"
    return "high"


def city_test() -> Callable[[float, float], bool]:
    """is_inside_city for many points: the boundary is read and prepared once."""
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    from wegov.places.selectors import city_area

    city = city_area()
    if city is None:
        return lambda lat, lon: True
    prepared = prep(shape(city.geometry))
    return lambda lat, lon: prepared.covers(Point(lon, lat))
