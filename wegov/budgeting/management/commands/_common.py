"""What the pb_* commands share: finding a budget by id, turning errors into
``CommandError`` (a clear message, never a traceback)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from wegov.budgeting.models import Budget


def budget_by_id(value) -> Budget:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"{value!r} is not a budget id (a whole number)") from None
    budget = Budget.objects.filter(pk=pk).first()
    if budget is None:
        raise CommandError(f"There is no budget with id {pk}.")
    return budget


def validation_message(exc: ValidationError) -> str:
    return " ".join(str(message) for message in exc.messages)
