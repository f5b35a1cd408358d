"""Domain events: a tiny in-process dispatcher.

Services call ``emit("report.status_changed", report_id=..., ...)`` inside
their transaction; handlers run after the transaction commits, so a rolled
back write never notifies anyone. Handlers stay small: heavy work is handed to
a Celery task (``task.delay(...)``), which runs inline when no broker is
configured.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(event_name: str) -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        if handler not in _handlers[event_name]:
            _handlers[event_name].append(handler)
        return handler

    return decorator


def unsubscribe(event_name: str, handler: Handler) -> None:
    if handler in _handlers.get(event_name, []):
        _handlers[event_name].remove(handler)


def handlers_for(event_name: str) -> list[Handler]:
    return list(_handlers.get(event_name, []))


def emit(event_name: str, **payload: Any) -> None:
    """Run the event's handlers once the current transaction commits."""

    def dispatch() -> None:
        for handler in handlers_for(event_name):
            try:
                handler(**payload)
            except Exception:
                # One broken subscriber must not undo or block the write that
                # already committed, nor the other subscribers.
                logger.exception("Handler %r failed for event %s", handler, event_name)

    transaction.on_commit(dispatch)
