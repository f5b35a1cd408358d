"""The social layer in "my data" exports and account erasure."""

import pytest
from django.core.files.base import ContentFile

from wegov.accounts import services as account_services
from wegov.social import notification_types as nt
from wegov.social import services
from wegov.social.models import Activity, Follow, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def social_data(publish, citizen, other_citizen, report, process):
    services.follow(actor=citizen, target_kind="process", target_id=process.pk)
    services.follow(actor=other_citizen, target_kind="user", target_id=citizen.pk)
    services.preferences_save(actor=citizen, choices={nt.REPLIES: nt.Delivery.DAILY})
    publish(
        "comment.replied",
        actor=other_citizen,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
    )
    publish("proposal.created", actor=citizen, target_kind="report", target_id=report.pk)
    citizen.avatar.save("a.jpg", ContentFile(b"jpeg"), save=True)
    return citizen


def test_export_has_follows_preferences_and_notifications(social_data):
    data = account_services.user_export_data(actor=social_data)["social"]
    assert data["follows"][0]["target_kind"] == "process"
    assert data["notification_preferences"] == [{"type": "replies", "email": "daily"}]
    assert data["notifications"][0]["what"] == "comment.replied"
    assert data["public_profile"] == {"avatar": True, "activity_public": True}


def test_erase_removes_follows_notifications_preferences_and_avatar(
    social_data, django_capture_on_commit_callbacks
):
    citizen = social_data
    avatar = citizen.avatar.name
    storage = citizen.avatar.storage
    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_erase(actor=citizen, user=citizen)
    citizen.refresh_from_db()
    assert not citizen.avatar
    assert not storage.exists(avatar)
    assert not Follow.objects.filter(user=citizen).exists()
    assert not Follow.objects.filter(target_kind="user", target_id=citizen.pk).exists()
    assert not Notification.objects.filter(recipient=citizen).exists()
    assert not NotificationPreference.objects.filter(user=citizen).exists()
    # What they did stays in the feed, by a former participant.
    assert Activity.objects.filter(actor=citizen).exists()
