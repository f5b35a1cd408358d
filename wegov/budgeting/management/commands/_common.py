"""What the pb_* commands share: finding a budget by id, turning errors into
``CommandError`` (a clear message, never a traceback)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from wegov.budgeting.models import Budget
from wegov.core.commands import row_by_id


def budget_by_id(value) -> Budget:
    return row_by_id(Budget, value, "budget")


def validation_message(exc: ValidationError) -> str:
    return " ".join(str(message) for message in exc.messages)
