"""Notification emails: at once or daily, translated, with one-click unsubscribe."""

import re

import pytest
from django.urls import reverse

from wegov.accounts.tests.factories import UserFactory
from wegov.social import emails, services, tasks
from wegov.social import notification_types as nt
from wegov.social.models import EmailState, Follow, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def prefer(user, type_key, delivery):
    NotificationPreference.objects.update_or_create(
        user=user, notification_type=type_key, defaults={"delivery": delivery}
    )


def unsubscribe_path(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<https?://[^/]+(/notifications/unsubscribe/[^>]+/)>", header)
    assert match, header
    return match.group(1)


def test_immediate_email_in_the_recipients_language_with_one_click_unsubscribe(
    publish, report, citizen, other_citizen, mailoutbox, client
):
    citizen.preferred_language = "nl"
    citizen.save(update_fields=["preferred_language"])
    publish(
        "comment.replied",
        actor=other_citizen,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
    )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [citizen.email]
    assert "Bram Other" in message.subject
    assert "Hole in the cycle path" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="nl">' in html
    assert "Hallo van WeGov" in html  # the site's Dutch catalogue
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification = Notification.objects.get(recipient=citizen)
    assert notification.email_state == EmailState.SENT
    assert reverse("social:notification_open", args=[notification.pk]) in message.body

    # The mail client's one-click POST works without a log-in or CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(unsubscribe_path(message), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(
        user=citizen, notification_type=nt.REPLIES
    ).delivery == (nt.Delivery.OFF)


def test_an_email_goes_out_once_even_if_the_task_runs_twice(
    publish, report, citizen, other_citizen, mailoutbox
):
    prefer(citizen, nt.NEW_CONTRIBUTIONS, nt.Delivery.IMMEDIATE)
    Follow.objects.create(user=citizen, target_kind="report", target_id=report.pk)
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    notification = Notification.objects.get(recipient=citizen)
    assert len(mailoutbox) == 1
    assert tasks.send_notification_email(notification.pk) == 0
    assert len(mailoutbox) == 1


def test_no_email_about_content_hidden_before_sending(report, citizen, other_citizen, mailoutbox):
    prefer(citizen, nt.NEW_CONTRIBUTIONS, nt.Delivery.IMMEDIATE)
    Follow.objects.create(user=citizen, target_kind="report", target_id=report.pk)
    activity = services.activity_record(
        verb="proposal.created",
        actor_id=other_citizen.pk,
        target_kind="report",
        target_id=report.pk,
    )
    services.activity_visibility_set(kind="report", object_id=report.pk, hidden=True)
    notification = Notification.objects.get(activity=activity)
    assert emails.send_notification_email(notification.pk) == 0
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SKIPPED
    assert mailoutbox == []


def test_moderation_emails_have_no_unsubscribe_link(
    publish, report, citizen, moderator, mailoutbox
):
    publish(
        "moderation.hidden",
        actor=moderator,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
        public=False,
        extra={"reason": "Personal data of a neighbour"},
    )
    message = mailoutbox[0]
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Personal data of a neighbour" in message.body
    assert "Stop these emails" not in message.body


# --- The daily summary ------------------------------------------------------------------


@pytest.fixture
def digest_reader(citizen, report, process):
    Follow.objects.create(user=citizen, target_kind="report", target_id=report.pk)
    Follow.objects.create(user=citizen, target_kind="process", target_id=process.pk)
    prefer(citizen, nt.PROCESSES, nt.Delivery.DAILY)
    return citizen


def test_digest_groups_pending_items_by_type_in_one_email(
    publish, digest_reader, report, process, other_citizen, mailoutbox
):
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    publish("debate.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    publish("process.phase_started", target_kind="process", target_id=process.pk)
    other = UserFactory(preferred_language="de")
    Follow.objects.create(user=other, target_kind="report", target_id=report.pk)
    publish("comment.created", actor=digest_reader, target_kind="report", target_id=report.pk)
    assert mailoutbox == []  # all daily

    assert tasks.send_daily_digests() == 2
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {digest_reader.email, other.email}
    message = by_recipient[digest_reader.email]
    assert "3 updates" in message.subject
    body = message.body
    assert body.index("New contributions in what I follow") < body.index("New processes and phases")
    assert body.count("Hole in the cycle path") == 2
    assert "A new phase started in “A greener Centrum”" in body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert '<html lang="de">' in by_recipient[other.email].alternatives[0][0]
    assert not Notification.objects.filter(email_state=EmailState.PENDING_DIGEST).exists()


def test_digest_is_idempotent(publish, digest_reader, report, other_citizen, mailoutbox):
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    tasks.send_daily_digests()
    tasks.send_daily_digests()
    assert emails.send_digest(digest_reader.pk) == 0
    assert len(mailoutbox) == 1
    # New news after the summary waits for the next one.
    publish("debate.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    tasks.send_daily_digests()
    assert len(mailoutbox) == 2
    assert "Hole in the cycle path" in mailoutbox[1].body
    assert "1 update" in mailoutbox[1].subject


def test_digest_leaves_out_types_turned_off_since_and_hidden_content(
    publish, digest_reader, report, process, other_citizen, mailoutbox
):
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    publish("process.phase_started", target_kind="process", target_id=process.pk)
    prefer(digest_reader, nt.PROCESSES, nt.Delivery.OFF)
    assert emails.send_digest(digest_reader.pk) == 1
    assert "phase" not in mailoutbox[0].body
    states = set(Notification.objects.values_list("notification_type", "email_state"))
    assert states == {
        (nt.NEW_CONTRIBUTIONS, EmailState.SENT),
        (nt.PROCESSES, EmailState.SKIPPED),
    }

    publish("debate.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    services.activity_visibility_set(kind="report", object_id=report.pk, hidden=True)
    assert emails.send_digest(digest_reader.pk) == 0
    assert len(mailoutbox) == 1


def test_digest_unsubscribe_turns_off_every_daily_type(
    publish, digest_reader, report, other_citizen, mailoutbox, client
):
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    tasks.send_daily_digests()
    path = unsubscribe_path(mailoutbox[0])
    assert client.get(path).status_code == 200  # the confirmation page
    assert not NotificationPreference.objects.filter(delivery=nt.Delivery.OFF).exists()
    client.post(path)
    off = set(
        NotificationPreference.objects.filter(
            user=digest_reader, delivery=nt.Delivery.OFF
        ).values_list("notification_type", flat=True)
    )
    assert off == {nt.NEW_CONTRIBUTIONS, nt.AREAS, nt.PROCESSES, nt.OTHER}
