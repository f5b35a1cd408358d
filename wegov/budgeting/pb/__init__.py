"""Participatory-budgeting maths: Pabulib instances, greedy and Method of Equal Shares.

Pure Python (no Django): ``wegov.budgeting`` converts its models to and from
:class:`Instance` and records the :class:`Outcome` of :func:`tally`.
"""

from .instance import Instance, PabulibError, Project, Vote
from .pabulib import dumps, loads, read, write

__all__ = [
    "Instance",
    "PabulibError",
    "Project",
    "Vote",
    "dumps",
    "loads",
    "read",
    "write",
]
