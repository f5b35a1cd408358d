from celery import shared_task

from . import services


@shared_task
def refresh_due_layers() -> int:
    """Refresh the URL layers whose interval has elapsed; returns how many were tried."""
    return len(services.refresh_due_layers())
