"""Celery tasks: they only call the email functions (see emails.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def send_notification_email(notification_id: int) -> int:
    from .emails import send_notification_email as send

    return send(notification_id)


@shared_task(acks_late=True)
def send_user_digest(user_id: int) -> int:
    from .emails import send_digest

    return send_digest(user_id)


@shared_task
def send_daily_digests() -> int:
    """Queue one summary per person with notifications waiting for it (Celery
    beat runs this daily at WEGOV_DIGEST_HOUR). Safe to run twice."""
    from .emails import pending_digest_recipients

    users = pending_digest_recipients()
    for user_id in users:
        send_user_digest.delay(user_id)
    return len(users)
