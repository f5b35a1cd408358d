"""Participatory-budgeting maths: Pabulib instances, greedy and Method of Equal Shares.

Pure Python (no Django): ``wegov.budgeting`` converts its models to and from
:class:`Instance` and records the :class:`Outcome` of :func:`tally`.
"""

from .instance import Instance, PabulibError, Project, Vote
from .pabulib import dumps, loads, read, write
from .rules import (
    REASONS,
    RULES,
    Outcome,
    ProjectResult,
    input_hash,
    satisfied_voter_share,
    tally,
    votes_and_scores,
)

__all__ = [
    "REASONS",
    "RULES",
    "Instance",
    "Outcome",
    "PabulibError",
    "Project",
    "ProjectResult",
    "Vote",
    "dumps",
    "input_hash",
    "loads",
    "read",
    "satisfied_voter_share",
    "tally",
    "votes_and_scores",
    "write",
]
