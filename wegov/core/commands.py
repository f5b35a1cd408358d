"""What management commands share: a one-line ``CommandError``, never a traceback."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import models


def row_by_id(model: type[models.Model], value, noun: str) -> models.Model:
    """The ``model`` row whose id is ``value`` (as typed on the command line);
    ``noun`` names it in the error ("budget", "conversation")."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"{value!r} is not a {noun} id (a whole number)") from None
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise CommandError(f"There is no {noun} with id {pk}.")
    return row
