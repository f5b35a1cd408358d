"""Background work for processes. Run ``announce_phase_starts`` daily (beat),
shortly after midnight in the city's time zone; running it more often is safe."""

from celery import shared_task


@shared_task
def announce_phase_starts() -> int:
    from . import services

    return services.announce_phase_starts()
