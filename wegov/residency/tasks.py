from celery import shared_task

from . import services


@shared_task
def expire_residences() -> int:
    return services.residences_expire()
