"""New contributions in areas of interest: the "map.item_added" event notifies
the people whose circles or districts hold the point."""

import pytest

from wegov.accounts.tests.factories import UserFactory
from wegov.core.events import emit
from wegov.places import services
from wegov.reports.tests.factories import ReportFactory
from wegov.social import notification_types as nt
from wegov.social.models import EmailState, Notification, NotificationPreference

pytestmark = pytest.mark.django_db

# In West, about 700 m west of the boundary with Oost.
POINT = (52.155, 5.38)


@pytest.fixture
def report(west, citizen):
    return ReportFactory(
        lat=POINT[0], lon=POINT[1], district=west, reporter=citizen, title="Broken bench"
    )


@pytest.fixture
def item_added(django_capture_on_commit_callbacks, report):
    def run(**changes):
        payload = {
            "kind": "report",
            "object_id": report.pk,
            "lat": POINT[0],
            "lon": POINT[1],
            "district": "west",
            "title": report.title,
            "url": f"/reports/{report.pk}/",
            "author_id": report.reporter_id,
            **changes,
        }
        with django_capture_on_commit_callbacks(execute=True):
            emit("map.item_added", **payload)

    return run


def notified(kind="report", object_id=None):
    rows = Notification.objects.filter(
        activity__verb="area.new_contribution", activity__target_kind=kind
    )
    if object_id is not None:
        rows = rows.filter(activity__target_id=object_id)
    return sorted(rows.values_list("recipient_id", flat=True))


def prefer(user, delivery):
    NotificationPreference.objects.update_or_create(
        user=user, notification_type=nt.AREAS, defaults={"delivery": delivery}
    )


def test_circles_holding_the_point_and_matching_districts_are_notified(
    item_added, report, west, east, make_area
):
    near = UserFactory()
    make_area(near, circle=(52.156, 5.381, 200))  # ~130 m away
    far = UserFactory()
    make_area(far, circle=(52.156, 5.40, 500))  # ~1.4 km away, box does not hold it
    edge = UserFactory()
    # The box holds the point but the circle does not (corner of the box).
    make_area(edge, circle=(52.1535, 5.3775, 220))
    westerner = UserFactory()
    make_area(westerner, districts=[west])
    easterner = UserFactory()
    make_area(easterner, districts=[east])
    item_added()
    assert notified(object_id=report.pk) == sorted([near.pk, westerner.pk])


def test_the_author_is_not_notified(item_added, citizen, west, make_area):
    make_area(citizen, districts=[west])
    make_area(citizen, name="Home", circle=(POINT[0], POINT[1], 100))
    item_added()
    assert notified() == []


def test_one_notification_per_person_and_item(item_added, west, make_area):
    keen = UserFactory()
    make_area(keen, districts=[west])
    make_area(keen, name="Around", circle=(POINT[0], POINT[1], 500))
    make_area(keen, name="Wider", circle=(POINT[0], POINT[1], 5000))
    item_added()
    item_added()  # the index announces it again: nobody hears twice
    assert notified() == [keen.pk]
    assert Notification.objects.count() == 1


def test_other_items_are_separate(item_added, report, west, make_area, citizen):
    keen = UserFactory()
    make_area(keen, districts=[west])
    second = ReportFactory(lat=POINT[0], lon=POINT[1], district=west, reporter=citizen)
    item_added()
    item_added(object_id=second.pk)
    assert notified(object_id=report.pk) == [keen.pk]
    assert notified(object_id=second.pk) == [keen.pk]


def test_inactive_people_are_not_notified(item_added, west, make_area):
    gone = UserFactory()
    make_area(gone, districts=[west])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    item_added()
    assert notified() == []


def test_notification_text_and_daily_summary_by_default(item_added, west, make_area, mailoutbox):
    keen = UserFactory()
    make_area(keen, districts=[west])
    item_added()
    notification = Notification.objects.get(recipient=keen)
    assert notification.notification_type == nt.AREAS
    assert notification.email_state == EmailState.PENDING_DIGEST
    assert mailoutbox == []
    from wegov.social import selectors

    item = selectors.present_notifications([notification])[0]
    assert item.text == "New in your area of interest: “Broken bench”."
    # Not in anyone's public feed.
    assert not notification.activity.is_public


def test_email_at_once_when_chosen(item_added, west, make_area, mailoutbox):
    keen = UserFactory()
    prefer(keen, nt.Delivery.IMMEDIATE)
    make_area(keen, districts=[west])
    item_added()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [keen.email]
    assert "Broken bench" in message.subject
    assert "List-Unsubscribe" in message.extra_headers
    assert Notification.objects.get(recipient=keen).email_state == EmailState.SENT


def test_email_off_keeps_the_notification_on_the_site(item_added, west, make_area, mailoutbox):
    quiet = UserFactory()
    prefer(quiet, nt.Delivery.OFF)
    make_area(quiet, districts=[west])
    item_added()
    assert mailoutbox == []
    assert Notification.objects.get(recipient=quiet).email_state == EmailState.NONE


def test_the_preference_is_on_the_settings_page(client, citizen):
    client.force_login(citizen)
    page = client.get("/me/notifications/settings/").content.decode()
    assert "New contributions in my areas of interest" in page


def test_many_candidates_go_through_the_task(item_added, west, make_area, monkeypatch):
    from wegov.places import tasks

    monkeypatch.setattr(services, "INLINE_CANDIDATES_MAX", 1)
    calls = []
    original = tasks.send_area_alerts.delay
    monkeypatch.setattr(
        tasks.send_area_alerts, "delay", lambda **kw: calls.append(kw) or original(**kw)
    )
    people = [UserFactory() for _ in range(3)]
    for person in people:
        make_area(person, districts=[west])
    item_added()
    assert len(calls) == 1 and calls[0]["district"] == "west"
    assert notified() == sorted(p.pk for p in people)


def test_matching_costs_a_fixed_number_of_queries(
    report, west, make_area, django_assert_max_num_queries
):
    for index in range(20):
        person = UserFactory()
        if index % 2:
            make_area(person, districts=[west])
        else:
            make_area(person, circle=(POINT[0], POINT[1], 300 + index))
    with django_assert_max_num_queries(2):
        users = services.selectors.users_interested_in(POINT[0], POINT[1], "west")
    assert len(users) == 20


def test_bad_payloads_are_ignored(item_added):
    item_added(lat="north")
    item_added(lat=float("nan"))
    item_added(kind="")
    assert Notification.objects.count() == 0


def test_demo_residents_get_areas_of_interest():
    from django.core.management import call_command

    from wegov.places.models import AreaOfInterest

    call_command("load_demo")
    kinds = set(AreaOfInterest.objects.values_list("kind", flat=True))
    assert kinds == {"circle", "districts"}
    assert AreaOfInterest.objects.filter(user__email="citizen@lindenbrug.example").count() == 2
    assert AreaOfInterest.objects.filter(user__email__startswith="resident").exists()
