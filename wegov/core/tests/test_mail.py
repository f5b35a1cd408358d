import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail

from wegov.core.mail import message_from_dict, message_to_dict


@pytest.fixture
def queued_mail(settings):
    settings.EMAIL_BACKEND = "wegov.core.mail.QueuedEmailBackend"
    settings.WEGOV_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def test_queued_backend_delivers_through_the_task(queued_mail):
    sent = send_mail("Hello", "Text body", "noreply@example.org", ["a@example.org"])
    assert sent == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Hello"


def test_html_alternative_survives_the_queue(queued_mail):
    message = EmailMultiAlternatives(
        "S",
        "text",
        "f@example.org",
        ["t@example.org"],
        reply_to=["r@example.org"],
        headers={"X-Test": "1"},
    )
    message.attach_alternative("<p>html</p>", "text/html")
    message.send()
    delivered = mail.outbox[0]
    assert delivered.alternatives[0][0] == "<p>html</p>"
    assert delivered.reply_to == ["r@example.org"]
    assert delivered.extra_headers["X-Test"] == "1"


def test_round_trip_is_lossless():
    message = EmailMultiAlternatives(
        "Sübject",
        "bødy",
        "f@example.org",
        ["t@example.org"],
        cc=["c@example.org"],
        bcc=["b@example.org"],
    )
    again = message_from_dict(message_to_dict(message))
    assert message_to_dict(again) == message_to_dict(message)


def test_delivery_failure_is_retried(queued_mail, settings, monkeypatch):
    from wegov.core import tasks

    attempts = []

    class Down:
        def send_messages(self, messages):
            attempts.append(1)
            raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(tasks, "delivery_connection", lambda: Down())
    with pytest.raises(Exception):  # noqa: B017 - eager retries end in the last error
        send_mail("Hello", "Body", "noreply@example.org", ["a@example.org"])
    assert len(attempts) >= 1
