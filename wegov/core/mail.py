"""Email goes out through a Celery task, off the request path.

``EMAIL_BACKEND`` is this queueing backend; the backend that really delivers
(SMTP, console...) is ``WEGOV_EMAIL_DELIVERY_BACKEND``. Without a broker the
task runs inline, so development needs nothing extra.
"""

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend


def message_to_dict(message: EmailMessage) -> dict:
    return {
        "subject": str(message.subject),
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            (content, mimetype) for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def message_from_dict(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from .tasks import deliver_email

        count = 0
        for message in email_messages:
            if message.attachments:
                # Attachments may be large binary data: deliver them directly.
                count += delivery_connection().send_messages([message]) or 0
                continue
            deliver_email.delay(message_to_dict(message))
            count += 1
        return count


def delivery_connection():
    from django.conf import settings

    return get_connection(settings.WEGOV_EMAIL_DELIVERY_BACKEND)
