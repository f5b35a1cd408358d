"""``INSERT ... SELECT`` for a Django model: every concrete column gets an SQL
expression, either given by the generator or derived from the field (its
constant default, NULL, an empty string, ``now()``, a fresh UUID), so a field
added to a model later does not break the generator unless it needs a real value.
"""

from __future__ import annotations

import json
import uuid

from django.db import connection, models
from django.utils import timezone


def literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict | list):
        return "'" + json.dumps(value).replace("'", "''") + "'::jsonb"
    return "'" + str(value).replace("'", "''") + "'"


def _default_sql(field: models.Field) -> str | None:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return "now()"
    if field.has_default():
        default = field.default
        if default is uuid.uuid4:
            return "gen_random_uuid()"
        if default is timezone.now:
            return "now()"
        if default in (dict, list):
            return literal(default())
        if callable(default):
            # Evaluated once, it would give every row the same value (a random
            # key, a token): the generator must say what the column holds.
            return None
        if hasattr(default, "value"):  # a TextChoices member
            return literal(default.value)
        return literal(default)
    if field.null:
        return "NULL"
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return "''"
    return None


def insert_select(model: type[models.Model], values: dict[str, str], from_sql: str) -> str:
    """``INSERT INTO <table> (<every column>) SELECT <expressions> <from_sql>``.

    ``values`` maps column names (or field names) to SQL expressions; the
    others come from the fields' defaults. A name starting with ``?`` is used
    only if the model has it; any other name the model lacks is an error, as
    are the columns it cannot fill (SystemExit naming them).
    """
    columns, expressions, missing = [], [], []
    by_column = {k.removeprefix("?"): v for k, v in values.items()}
    known = {n for f in model._meta.concrete_fields for n in (f.name, f.column)}
    unknown = [k for k in values if not k.startswith("?") and k not in known]
    if unknown:
        raise SystemExit(
            f"{model._meta.label} has no field {unknown}: bench/ needs updating for the model."
        )
    for field in model._meta.concrete_fields:
        if isinstance(field, models.GeneratedField):
            continue
        if field.primary_key and isinstance(field, models.AutoField):
            continue
        expression = by_column.get(field.column, by_column.get(field.name))
        if expression is None:
            expression = _default_sql(field)
        if expression is None:
            missing.append(f"{model._meta.db_table}.{field.column}")
            continue
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
    if missing:
        raise SystemExit(f"bench does not know how to fill {missing}: add them to the generator.")
    return (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)})\n"
        f"SELECT {', '.join(expressions)}\n{from_sql}"
    )
