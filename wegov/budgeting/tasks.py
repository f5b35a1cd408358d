"""Background work for budgets. ``close_votes`` runs every few minutes (beat,
see settings.CELERY_BEAT_SCHEDULE); running it more often is safe."""

from celery import shared_task


@shared_task
def close_votes() -> list[int]:
    """Separate the ballots of every budget whose vote has closed from their voters."""
    from . import participation

    return participation.budgets_close_votes()
