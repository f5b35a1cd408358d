"""A participatory-budgeting election as plain data: projects, votes and META.

The shapes follow the Pabulib .pb format (sections META, PROJECTS, VOTES), so
that a file read and written again gives the same instance. Pure Python: no
Django here, so the tally can run anywhere (management commands, bench, tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

VOTE_TYPES = ("approval", "ordinal", "cumulative", "choose-1", "scoring")


class PabulibError(ValueError):
    """The text is not a readable Pabulib instance (the message says where)."""


def parse_whole(value: str, what: str) -> int:
    """An integer from a Pabulib number ("1200", "1200.0"); fractions are refused."""
    text = str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise PabulibError(f"{what}: {value!r} is not a number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise PabulibError(f"{what}: {value!r} is not a whole number")
    return int(number)


@dataclass(frozen=True)
class Project:
    id: str
    cost: int
    name: str = ""
    # Other PROJECTS columns exactly as in the file (votes, score, category,
    # latitude, selected, ...); empty cells are left out.
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Vote:
    voter_id: str
    # approval / choose-1: the approved ids; ordinal: best first;
    # cumulative: the ids given points, parallel to ``points``.
    projects: tuple[str, ...]
    points: tuple[int, ...] = ()
    # Other VOTES columns (age, sex, voting_method, ...); empty cells left out.
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass
class Instance:
    meta: dict[str, str] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)  # in file order
    votes: list[Vote] = field(default_factory=list)

    @property
    def budget(self) -> int:
        if "budget" not in self.meta:
            raise PabulibError("META has no budget")
        return parse_whole(self.meta["budget"], "META budget")

    @property
    def vote_type(self) -> str:
        return (self.meta.get("vote_type") or "approval").strip().lower()

    def meta_int(self, key: str) -> int | None:
        """A numeric META entry as an int, None when absent or empty."""
        value = (self.meta.get(key) or "").strip()
        return parse_whole(value, f"META {key}") if value else None
