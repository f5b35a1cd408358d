"""Celery tasks: they only call services."""

from celery import shared_task


@shared_task(acks_late=True)
def send_area_alerts(
    *, kind: str, object_id: int, lat: float, lon: float, district: str = "", author_id=None
) -> int:
    from .services import area_alerts_send

    return len(
        area_alerts_send(
            kind=kind,
            object_id=object_id,
            lat=lat,
            lon=lon,
            district=district,
            author_id=author_id,
        )
    )
