from celery import shared_task


@shared_task
def notify_subscribers(report_id: int) -> int:
    from .notifications import send_report_update

    return send_report_update(report_id)
