from celery import shared_task

from .mail import delivery_connection, message_from_dict


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=8, acks_late=True)
def deliver_email(message: dict) -> int:
    """Send one email with the real delivery backend; retried while SMTP is down."""
    return delivery_connection().send_messages([message_from_dict(message)]) or 0
