"""Activities become feed entries and notifications for the right people."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.core.activity import VISIBILITY_EVENT
from wegov.core.events import emit
from wegov.social import notification_types as nt
from wegov.social import services
from wegov.social.models import Activity, EmailState, Follow, Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def follow(user, kind, target_id):
    return Follow.objects.create(user=user, target_kind=kind, target_id=target_id)


def recipients(activity):
    rows = Notification.objects.filter(activity=activity)
    return set(rows.values_list("recipient_id", flat=True))


# --- Who is notified ----------------------------------------------------------------------


def test_followers_of_every_context_kind_are_notified_once(
    publish, report, other_report, process, topic, city, citizen, other_citizen
):
    by_target, by_actor, by_process, by_district, by_topic, by_parent, everything = (
        UserFactory() for _ in range(7)
    )
    follow(by_target, "report", report.pk)
    follow(by_actor, "user", other_citizen.pk)
    follow(by_process, "process", process.pk)
    follow(by_district, "district", city.pk)
    follow(by_topic, "topic", topic.pk)
    follow(by_parent, "report", other_report.pk)
    for kind, target_id in [
        ("report", report.pk),
        ("user", other_citizen.pk),
        ("process", process.pk),
        ("district", city.pk),
        ("topic", topic.pk),
    ]:
        follow(everything, kind, target_id)
    unrelated = UserFactory()
    follow(unrelated, "process", process.pk + 1000)

    activity = publish(
        "comment.created",
        actor=other_citizen,
        target_kind="report",
        target_id=report.pk,
        context={
            "process": process.pk,
            "district": city.pk,
            "topic": topic.pk,
            "parent_kind": "report",
            "parent_id": other_report.pk,
        },
        notify=[citizen.pk, everything.pk],
    )

    expected = {
        by_target.pk,
        by_actor.pk,
        by_process.pk,
        by_district.pk,
        by_topic.pk,
        by_parent.pk,
        everything.pk,
        citizen.pk,
    }
    assert recipients(activity) == expected
    # One notification each, however many ways they follow.
    assert Notification.objects.filter(activity=activity).count() == len(expected)


def test_district_and_topic_come_from_the_process(publish, report, process, city, topic):
    district_follower, topic_follower = UserFactory(), UserFactory()
    follow(district_follower, "district", city.pk)
    follow(topic_follower, "topic", topic.pk)
    activity = publish(
        "proposal.created",
        actor=UserFactory(),
        target_kind="report",
        target_id=report.pk,
        context={"process": process.pk},
    )
    assert (activity.process_id, activity.district_id, activity.topic_id) == (
        process.pk,
        city.pk,
        topic.pk,
    )
    assert recipients(activity) == {district_follower.pk, topic_follower.pk}


def test_the_actor_is_never_notified_of_their_own_action(publish, report, citizen):
    follow(citizen, "report", report.pk)
    follow(citizen, "user", citizen.pk)
    activity = publish(
        "comment.created",
        actor=citizen,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
    )
    assert recipients(activity) == set()


def test_blocked_erased_and_inactive_people_are_not_notified(publish, report, other_citizen):
    blocked = UserFactory(blocked_at=timezone.now())
    erased = UserFactory(erased_at=timezone.now(), is_active=False)
    inactive = UserFactory(is_active=False)
    active = UserFactory()
    for user in (blocked, erased, inactive, active):
        follow(user, "report", report.pk)
    activity = publish(
        "comment.created",
        actor=other_citizen,
        target_kind="report",
        target_id=report.pk,
        notify=[blocked.pk, erased.pk, inactive.pk],
    )
    assert recipients(activity) == {active.pk}


def test_blocked_people_still_get_moderation_notices(publish, moderator):
    blocked = UserFactory(blocked_at=timezone.now())
    activity = publish(
        "moderation.user_blocked",
        actor=moderator,
        target_kind="user",
        target_id=blocked.pk,
        notify=[blocked.pk],
        public=False,
    )
    notification = Notification.objects.get(activity=activity)
    assert notification.recipient == blocked
    assert notification.notification_type == nt.MODERATION


def test_private_activities_reach_only_the_people_named(publish, report, citizen, other_citizen):
    follower = UserFactory()
    follow(follower, "report", report.pk)
    follow(follower, "user", other_citizen.pk)
    activity = publish(
        "comment.mentioned",
        actor=other_citizen,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
        public=False,
    )
    assert recipients(activity) == {citizen.pk}
    assert activity.is_public is False


def test_replies_go_to_the_named_people_not_to_followers(publish, report, citizen, other_citizen):
    """comment.replied repeats a comment.created the followers already hear about."""
    follower = UserFactory()
    follow(follower, "report", report.pk)
    activity = publish(
        "comment.replied",
        actor=other_citizen,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
    )
    assert recipients(activity) == {citizen.pk}
    assert activity.is_public is False  # not twice in the feed either


def test_unknown_verbs_are_recorded_as_other_news(publish, report, citizen, other_citizen):
    follow(citizen, "report", report.pk)
    activity = publish(
        "report.status_changed", actor=other_citizen, target_kind="report", target_id=report.pk
    )
    assert Notification.objects.get(activity=activity).notification_type == nt.OTHER
    assert activity.is_public


def test_recording_takes_a_fixed_number_of_queries(
    report, process, other_citizen, django_assert_max_num_queries
):
    users = [UserFactory() for _ in range(30)]
    Follow.objects.bulk_create(
        [Follow(user=u, target_kind="process", target_id=process.pk) for u in users]
    )
    NotificationPreference.objects.create(
        user=users[0], notification_type=nt.NEW_CONTRIBUTIONS, delivery=nt.Delivery.OFF
    )
    with django_assert_max_num_queries(8):
        activity = services.activity_record(
            verb="proposal.created",
            actor_id=other_citizen.pk,
            target_kind="report",
            target_id=report.pk,
            context={"process": process.pk},
        )
    assert Notification.objects.filter(activity=activity).count() == 30


# --- Email delivery chosen per type -------------------------------------------------------


def test_email_state_follows_each_persons_choice(publish, report, other_citizen):
    default, immediate, off = UserFactory(), UserFactory(), UserFactory()
    for user in (default, immediate, off):
        follow(user, "report", report.pk)
    NotificationPreference.objects.create(
        user=immediate, notification_type=nt.NEW_CONTRIBUTIONS, delivery=nt.Delivery.IMMEDIATE
    )
    NotificationPreference.objects.create(
        user=off, notification_type=nt.NEW_CONTRIBUTIONS, delivery=nt.Delivery.OFF
    )
    activity = publish(
        "proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk
    )
    states = dict(
        Notification.objects.filter(activity=activity).values_list("recipient_id", "email_state")
    )
    assert states[default.pk] == EmailState.PENDING_DIGEST  # the type's default: daily
    assert states[immediate.pk] == EmailState.SENT  # sent at once (eager task)
    assert states[off.pk] == EmailState.NONE


def test_moderation_notices_ignore_a_stored_off(publish, report, citizen, moderator):
    NotificationPreference.objects.create(
        user=citizen, notification_type=nt.MODERATION, delivery=nt.Delivery.OFF
    )
    activity = publish(
        "moderation.hidden",
        actor=moderator,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
        public=False,
    )
    assert Notification.objects.get(activity=activity).email_state == EmailState.SENT


# --- Hidden content ----------------------------------------------------------------------


def test_visibility_event_hides_activities_of_the_target_and_its_comments(
    publish, report, other_report, other_citizen, django_capture_on_commit_callbacks
):
    on_target = publish(
        "proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk
    )
    comment = publish(
        "comment.created",
        actor=other_citizen,
        target_kind="report",
        target_id=other_report.pk,
        context={"parent_kind": "report", "parent_id": report.pk},
    )
    elsewhere = publish(
        "proposal.created", actor=other_citizen, target_kind="report", target_id=other_report.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        emit(VISIBILITY_EVENT, kind="report", object_id=report.pk, hidden=True)
    on_target.refresh_from_db()
    comment.refresh_from_db()
    elsewhere.refresh_from_db()
    assert on_target.is_hidden and comment.parent_hidden
    assert not elsewhere.is_hidden and not elsewhere.parent_hidden

    with django_capture_on_commit_callbacks(execute=True):
        emit(VISIBILITY_EVENT, kind="report", object_id=report.pk, hidden=False)
    on_target.refresh_from_db()
    comment.refresh_from_db()
    assert not on_target.is_hidden and not comment.parent_hidden


def test_activity_on_already_hidden_content_starts_hidden(publish, report, other_citizen):
    report.is_hidden = True
    report.save(update_fields=["is_hidden"])
    activity = publish(
        "proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk
    )
    assert activity.is_hidden


def test_broken_payloads_do_not_break_the_publisher(publish, report, other_citizen):
    activity = publish(
        "proposal.created",
        actor=other_citizen,
        target_kind="report",
        target_id=report.pk,
        context={"process": "not a number", "parent_kind": "proposal"},
        notify=[],
    )
    assert activity.process_id is None and activity.parent_kind == ""


# --- Follows ---------------------------------------------------------------------------------


def test_follow_is_idempotent(citizen, process):
    first = services.follow(actor=citizen, target_kind="process", target_id=process.pk)
    second = services.follow(actor=citizen, target_kind="process", target_id=process.pk)
    assert first.pk == second.pk
    assert Follow.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "target_id", "message"),
    [
        ("spaceship", 1, "cannot be followed"),
        ("process", 999999, "does not exist"),
        ("report", "abc", "cannot be followed"),
        ("<script>", 1, "cannot be followed"),
    ],
)
def test_follow_rejects_what_cannot_be_followed(citizen, kind, target_id, message):
    with pytest.raises(ValidationError) as exc:
        services.follow(actor=citizen, target_kind=kind, target_id=target_id)
    assert message in " ".join(exc.value.messages)
    assert not Follow.objects.exists()


def test_hidden_and_unpublished_targets_cannot_be_followed(citizen, report, process):
    report.is_hidden = True
    report.save(update_fields=["is_hidden"])
    process.is_published = False
    process.save(update_fields=["is_published"])
    for kind, target_id in (("report", report.pk), ("process", process.pk)):
        with pytest.raises(ValidationError):
            services.follow(actor=citizen, target_kind=kind, target_id=target_id)


def test_nobody_follows_themselves(citizen):
    with pytest.raises(ValidationError):
        services.follow(actor=citizen, target_kind="user", target_id=citizen.pk)


def test_erased_people_cannot_be_followed(citizen):
    erased = UserFactory(erased_at=timezone.now(), is_active=False)
    with pytest.raises(ValidationError):
        services.follow(actor=citizen, target_kind="user", target_id=erased.pk)


def test_blocked_people_cannot_follow_but_can_unfollow(citizen, process):
    follow(citizen, "process", process.pk)
    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    with pytest.raises(PermissionDenied):
        services.follow(actor=citizen, target_kind="topic", target_id=process.topic_id)
    assert services.unfollow(actor=citizen, target_kind="process", target_id=process.pk)
    assert not services.unfollow(actor=citizen, target_kind="process", target_id=process.pk)


def test_every_extra_kind_can_be_followed(citizen, other_citizen, process, topic, city, report):
    for kind, target_id in [
        ("process", process.pk),
        ("topic", topic.pk),
        ("district", city.pk),
        ("user", other_citizen.pk),
        ("report", report.pk),
    ]:
        services.follow(actor=citizen, target_kind=kind, target_id=target_id)
    assert Follow.objects.filter(user=citizen).count() == 5


# --- Preferences and reading -----------------------------------------------------------------


def test_moderation_notices_cannot_be_turned_off(citizen):
    with pytest.raises(ValidationError):
        services.preferences_save(actor=citizen, choices={nt.MODERATION: nt.Delivery.OFF})
    with pytest.raises(ValidationError):
        services.preferences_save(actor=citizen, choices={"nonsense": nt.Delivery.OFF})
    with pytest.raises(ValidationError):
        services.preferences_save(actor=citizen, choices={nt.REPLIES: "weekly"})
    assert not NotificationPreference.objects.exists()


def test_mark_read_only_touches_own_notifications(publish, report, citizen, other_citizen):
    follow(citizen, "report", report.pk)
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    mine = Notification.objects.get(recipient=citizen)
    with pytest.raises(Notification.DoesNotExist):
        services.notification_mark_read(actor=other_citizen, notification_id=mine.pk)
    services.notification_mark_read(actor=citizen, notification_id=mine.pk)
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert services.notifications_mark_all_read(actor=citizen) == 0


def test_activity_rows_keep_the_context(publish, report, process, citizen):
    activity = publish(
        "proposal.answered",
        actor=citizen,
        target_kind="report",
        target_id=report.pk,
        context={"process": process.pk},
        extra={"state": "accepted"},
    )
    assert activity.extra == {"state": "accepted"}
    assert activity.context == {"process": process.pk}
    assert Activity.objects.count() == 1
