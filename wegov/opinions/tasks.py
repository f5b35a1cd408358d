"""Celery tasks for conversations: they only call services.

The opinion groups are recomputed after new votes, debounced, and never in
the request that records a vote: ``schedule_recompute`` is called after the
vote's transaction commits and only queues work.
"""

import threading

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connections

# Votes arriving within this many seconds of a queued recomputation join it.
RECOMPUTE_DEBOUNCE_SECONDS = 30
# The queued-mark outlives the countdown (a busy worker starts late, and the
# task clears the mark when it starts); it expires on its own only if the
# task is lost, so a lost task blocks recomputation for at most this long.
QUEUED_MARK_SECONDS = RECOMPUTE_DEBOUNCE_SECONDS + 600


def _debounce_key(conversation_id: int) -> str:
    return f"opinions:recompute-queued:{conversation_id}"


@shared_task(acks_late=True)
def recompute_conversation(conversation_id: int) -> int | None:
    """Recompute one conversation's opinion groups; the new analysis's id."""
    from .analysis import recompute

    # Cleared before computing, so votes cast while it runs queue another run.
    cache.delete(_debounce_key(conversation_id))
    analysis = recompute(conversation_id)
    return analysis.pk if analysis else None


def _recompute_in_thread(conversation_id: int) -> None:
    try:
        recompute_conversation(conversation_id)
    finally:
        connections.close_all()  # the thread's own database connection


def schedule_recompute(conversation_id: int) -> bool:
    """Queue a recomputation unless one is already queued; True if this call queued it.

    With a broker, a worker runs it ``RECOMPUTE_DEBOUNCE_SECONDS`` later. In
    development without one (``make run``: Celery eager), a daemon thread runs
    it, so the request that cast the vote still does no maths. Tests run with
    DEBUG off and so run it in place, when the on-commit callbacks run.
    """
    if not cache.add(_debounce_key(conversation_id), 1, timeout=QUEUED_MARK_SECONDS):
        return False
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.DEBUG:
        threading.Thread(target=_recompute_in_thread, args=(conversation_id,), daemon=True).start()
    else:
        recompute_conversation.apply_async(
            args=(conversation_id,), countdown=RECOMPUTE_DEBOUNCE_SECONDS
        )
    return True
