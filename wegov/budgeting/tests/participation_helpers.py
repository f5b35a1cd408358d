"""Budgets at a given moment of their life, for the participation tests.

``budget_in(moment)`` makes a published budget in a published process whose
active phase and vote window match the moment:

proposals    process in its proposals phase, the vote opens in ten days
evaluation   process in its evaluation phase, the vote opens in ten days
voting       process in its voting phase, the vote window is open
closed       process in its implementation phase, the vote closed yesterday
"""

import datetime as dt

from django.utils import timezone

from wegov.budgeting.models import Budget
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory

from .factories import BudgetFactory

MOMENTS = ["proposals", "evaluation", "voting", "closed"]

_PHASES = {
    "proposals": PhaseKind.PROPOSALS,
    "evaluation": PhaseKind.EVALUATION,
    "voting": PhaseKind.VOTING,
    "closed": PhaseKind.IMPLEMENTATION,
}


def window(moment: str) -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    if moment in ("proposals", "evaluation"):
        return now + dt.timedelta(days=10), now + dt.timedelta(days=20)
    if moment == "voting":
        return now - dt.timedelta(days=1), now + dt.timedelta(days=7)
    return now - dt.timedelta(days=8), now - dt.timedelta(days=1)


def budget_in(moment: str, *, organisation=None, **kwargs) -> Budget:
    process_kwargs = {"phase": _PHASES[moment]}
    if organisation is not None:
        process_kwargs["organisation"] = organisation
    opens, closes = window(moment)
    kwargs.setdefault("process", ProcessFactory(**process_kwargs))
    kwargs.setdefault("voting_opens_at", opens)
    kwargs.setdefault("voting_closes_at", closes)
    return BudgetFactory(**kwargs)
