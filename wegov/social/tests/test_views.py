"""The pages: notifications, settings, follows, profiles, the feed."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import ROLES
from wegov.accounts.tests.factories import UserFactory
from wegov.core import registry
from wegov.reports.tests.factories import ReportFactory
from wegov.social import notification_types as nt
from wegov.social import services
from wegov.social.models import Follow, Notification, NotificationPreference
from wegov.social.tests.factories import ActivityFactory, NotificationFactory

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("social:notifications")
SETTINGS = reverse("social:notification_settings")
FOLLOWING = reverse("social:following")
PROFILE_EDIT = reverse("social:profile_edit")
FOLLOW = reverse("social:follow")
XSS = "<script>alert(1)</script>"


def profile_url(user):
    return reverse("social:profile", args=[user.public_id])


def notify(publish, recipient, report, actor, verb="comment.replied"):
    publish(verb, actor=actor, target_kind="report", target_id=report.pk, notify=[recipient.pk])
    return Notification.objects.filter(recipient=recipient).order_by("-id").first()


# --- Permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", [NOTIFICATIONS, SETTINGS, FOLLOWING, PROFILE_EDIT])
def test_personal_pages_need_a_log_in(as_role, role, url):
    client, user = as_role(role)
    response = client.get(url)
    if user is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_public_profiles_and_the_feed_are_open_to_everyone(as_role, role, citizen):
    client, _user = as_role(role)
    assert client.get(profile_url(citizen)).status_code == 200
    assert client.get(reverse("social:feed")).status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_follow_matrix(as_role, role, process):
    client, user = as_role(role)
    response = client.post(
        FOLLOW,
        {"target_kind": "process", "target_id": process.pk, "action": "follow", "next": "/"},
    )
    assert response.status_code == 302
    if user is None:
        assert response["Location"].startswith(reverse("account_login"))
        assert not Follow.objects.exists()
    else:
        assert Follow.objects.filter(user=user, target_kind="process").exists()


def test_blocked_people_cannot_follow(client, citizen, process):
    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    client.force_login(citizen)
    response = client.post(
        FOLLOW, {"target_kind": "process", "target_id": process.pk, "action": "follow"}
    )
    assert response.status_code == 403
    assert not Follow.objects.exists()


def test_someone_elses_notification_cannot_be_opened_or_marked(
    client, publish, report, citizen, other_citizen
):
    notification = notify(publish, citizen, report, other_citizen)
    client.force_login(other_citizen)
    open_url = reverse("social:notification_open", args=[notification.pk])
    assert client.get(open_url).status_code == 404
    assert (
        client.post(reverse("social:notification_read", args=[notification.pk])).status_code == 404
    )
    notification.refresh_from_db()
    assert notification.read_at is None


def test_state_changes_are_post_only(client, citizen):
    client.force_login(citizen)
    assert client.get(FOLLOW).status_code == 405
    assert client.get(reverse("social:notifications_read_all")).status_code == 405


# --- Notifications ------------------------------------------------------------------------


def test_notification_list_marks_unread_in_words_and_marks_read(
    client, publish, report, citizen, other_citizen
):
    first = notify(publish, citizen, report, other_citizen)
    second = notify(publish, citizen, report, other_citizen, verb="comment.mentioned")
    client.force_login(citizen)
    page = client.get(NOTIFICATIONS).content.decode()
    assert page.count(">Unread</strong>") == 2
    assert "You have 2 unread notifications." in page
    assert "Bram Other</a> replied to your comment on" in page
    assert "mentioned you in a comment" in page

    response = client.post(
        reverse("social:notification_read", args=[first.pk]), {"next": NOTIFICATIONS}
    )
    assert response.status_code == 302
    page = client.get(NOTIFICATIONS).content.decode()
    assert page.count(">Unread</strong>") == 1
    assert "Show only unread" in page
    assert client.get(NOTIFICATIONS + "?show=unread").content.decode().count("Mark as read") == 1

    client.post(reverse("social:notifications_read_all"))
    second.refresh_from_db()
    assert second.read_at is not None
    assert "You have 0 unread notifications." in client.get(NOTIFICATIONS).content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_the_target(
    client, publish, report, citizen, other_citizen
):
    notification = notify(publish, citizen, report, other_citizen)
    client.force_login(citizen)
    response = client.get(reverse("social:notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_notification_about_deleted_content(
    client, publish, report, citizen, other_citizen
):
    notification = notify(publish, citizen, report, other_citizen)
    report.delete()
    client.force_login(citizen)
    response = client.get(reverse("social:notification_open", args=[notification.pk]), follow=True)
    assert "no longer available" in response.content.decode()


def test_notifications_about_hidden_content_disappear_but_moderation_notices_stay(
    client, publish, report, citizen, other_citizen, moderator
):
    notify(publish, citizen, report, other_citizen)
    publish(
        "moderation.hidden",
        actor=moderator,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
        public=False,
    )
    services.activity_visibility_set(kind="report", object_id=report.pk, hidden=True)
    client.force_login(citizen)
    page = client.get(NOTIFICATIONS).content.decode()
    assert "replied to your comment" not in page
    assert "The moderators hid your contribution" in page
    assert "You have 1 unread notification." in page


def test_notification_list_query_count(client, citizen, report, django_assert_max_num_queries):
    reports = ReportFactory.create_batch(5, category=report.category)
    for r in reports:
        activity = ActivityFactory(target_kind="report", target_id=r.pk)
        NotificationFactory(recipient=citizen, activity=activity)
        NotificationFactory(
            recipient=citizen, activity=ActivityFactory(target_kind="user", target_id=citizen.pk)
        )
    client.force_login(citizen)
    with django_assert_max_num_queries(12):
        response = client.get(NOTIFICATIONS)
    assert response.content.decode().count(">Unread</strong>") == 10


def test_user_text_is_escaped_in_notifications(client, publish, category, citizen):
    report = ReportFactory(category=category, title=XSS)
    actor = UserFactory(display_name=XSS)
    notify(publish, citizen, report, actor)
    client.force_login(citizen)
    page = client.get(NOTIFICATIONS).content.decode()
    assert XSS not in page
    assert "&lt;script&gt;" in page


# --- Settings and unsubscribing -------------------------------------------------------------


def test_settings_save_each_type(client, citizen):
    client.force_login(citizen)
    page = client.get(SETTINGS).content.decode()
    assert "Moderation notices" in page
    data = dict.fromkeys(nt.TYPES, nt.Delivery.DAILY)
    data[nt.REPLIES] = nt.Delivery.OFF
    response = client.post(SETTINGS, data)
    assert response.status_code == 302
    saved = dict(
        NotificationPreference.objects.filter(user=citizen).values_list(
            "notification_type", "delivery"
        )
    )
    assert saved[nt.REPLIES] == nt.Delivery.OFF
    assert saved[nt.MODERATION] == nt.Delivery.DAILY


def test_settings_refuse_turning_moderation_off_and_nonsense(client, citizen):
    client.force_login(citizen)
    data = dict.fromkeys(nt.TYPES, nt.Delivery.DAILY)
    data[nt.MODERATION] = nt.Delivery.OFF
    data[nt.REPLIES] = XSS
    response = client.post(SETTINGS, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert XSS not in page
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_get_confirms_and_post_turns_off_without_log_in(client, citizen):
    token = services.unsubscribe_token(citizen, nt.NEW_CONTRIBUTIONS)
    url = reverse("social:unsubscribe", args=[token])
    page = client.get(url).content.decode()
    assert "New contributions in what I follow" in page
    assert not NotificationPreference.objects.exists()
    response = client.post(url)
    assert response.status_code == 200
    assert "Emails stopped" in response.content.decode()
    assert (
        NotificationPreference.objects.get(
            user=citizen, notification_type=nt.NEW_CONTRIBUTIONS
        ).delivery
        == nt.Delivery.OFF
    )


@pytest.mark.parametrize(
    "token", ["nonsense", "eyJ1IjoiYWJjIiwidCI6InJlcGxpZXMifQ:forged", "a" * 300]
)
def test_bad_unsubscribe_tokens_change_nothing(client, citizen, token):
    url = reverse("social:unsubscribe", args=[token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not NotificationPreference.objects.exists()


def test_moderation_tokens_cannot_turn_moderation_off(client, citizen):
    token = services.unsubscribe_token(citizen, nt.MODERATION)
    url = reverse("social:unsubscribe", args=[token])
    assert "cannot be turned off" in client.get(url).content.decode()
    client.post(url)
    assert not NotificationPreference.objects.exists()


# --- Following -------------------------------------------------------------------------------


def test_follow_and_unfollow_without_javascript_go_back(client, citizen, process):
    client.force_login(citizen)
    next_url = f"/processes/{process.slug}/"
    data = {"target_kind": "process", "target_id": process.pk, "action": "follow", "next": next_url}
    response = client.post(FOLLOW, data)
    assert response.status_code == 302 and response["Location"] == next_url
    page = client.get(FOLLOWING).content.decode()
    assert "A greener Centrum" in page
    assert "Unfollow" in page
    response = client.post(FOLLOW, {**data, "action": "unfollow"})
    assert response["Location"] == next_url
    assert not Follow.objects.exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_follow_never_redirects_elsewhere(client, citizen, process, next_url):
    client.force_login(citizen)
    response = client.post(
        FOLLOW,
        {"target_kind": "process", "target_id": process.pk, "action": "follow", "next": next_url},
    )
    assert response["Location"] == "/"


def test_follow_with_htmx_returns_the_button(client, citizen, process):
    client.force_login(citizen)
    response = client.post(
        FOLLOW,
        {"target_kind": "process", "target_id": process.pk, "action": "follow", "next": "/"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="action" value="unfollow"' in html
    assert 'role="status"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"target_kind": "process", "target_id": "x", "action": "follow"},
        {"target_kind": "", "target_id": 1, "action": "follow"},
        {"target_kind": "process", "target_id": 1, "action": "explode"},
        {"target_kind": "a" * 31, "target_id": 1, "action": "follow"},
    ],
)
def test_follow_rejects_bad_input(client, citizen, data):
    client.force_login(citizen)
    assert client.post(FOLLOW, data).status_code == 400
    assert not Follow.objects.exists()


def test_follow_of_missing_target_says_so(client, citizen):
    client.force_login(citizen)
    response = client.post(
        FOLLOW,
        {"target_kind": "process", "target_id": 424242, "action": "follow", "next": "/"},
        follow=True,
    )
    assert "does not exist or is not public" in response.content.decode()


def test_follow_button_tag(rf, citizen, process):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template("{% load social_tags %}{% follow_button kind pk %}")
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    html = template.render(Context({"request": request, "kind": "process", "pk": process.pk}))
    assert "Log in to follow" in html and "next=/somewhere/" in html

    request.user = citizen
    html = template.render(Context({"request": request, "kind": "process", "pk": process.pk}))
    assert 'value="follow"' in html and "<form" in html
    services.follow(actor=citizen, target_kind="process", target_id=process.pk)
    request = rf.get("/somewhere/")
    request.user = citizen
    html = template.render(Context({"request": request, "kind": "process", "pk": process.pk}))
    assert 'value="unfollow"' in html
    # Nothing for unknown kinds or for yourself.
    assert template.render(Context({"request": request, "kind": "nope", "pk": 1})).strip() == ""
    assert (
        template.render(Context({"request": request, "kind": "user", "pk": citizen.pk})).strip()
        == ""
    )


def test_many_follow_buttons_cost_one_query(rf, citizen, django_assert_num_queries):
    from django.template import Context, Template

    template = Template(
        "{% load social_tags %}{% for i in ids %}{% follow_button 'district' i %}{% endfor %}"
    )
    request = rf.get("/")
    request.user = citizen
    with django_assert_num_queries(1):
        template.render(Context({"request": request, "ids": range(1, 30)}))


# --- Public profiles ---------------------------------------------------------------------------


def test_profile_shows_contributions_followers_and_activity(
    client, publish, citizen, other_citizen, report, process
):
    ReportFactory(category=report.category, reporter=citizen, title="Secret", is_hidden=True)
    ReportFactory(category=report.category, reporter=citizen, title="Anon", is_anonymous=True)
    services.follow(actor=other_citizen, target_kind="user", target_id=citizen.pk)
    services.follow(actor=citizen, target_kind="process", target_id=process.pk)
    publish("proposal.created", actor=citizen, target_kind="report", target_id=report.pk)
    page = client.get(profile_url(citizen)).content.decode()
    assert "Anna Citizen" in page
    assert citizen.email not in page
    assert "Hole in the cycle path" in page
    assert "Secret" not in page and "Anon" not in page
    assert "1 follower" in page and "Bram Other" in page
    assert "A greener Centrum" in page
    assert "submitted the proposal" in page


def test_private_activity_hides_activity_and_followers(
    client, publish, citizen, other_citizen, report
):
    citizen.activity_public = False
    citizen.save(update_fields=["activity_public"])
    services.follow(actor=other_citizen, target_kind="user", target_id=citizen.pk)
    publish("proposal.created", actor=citizen, target_kind="report", target_id=report.pk)
    page = client.get(profile_url(citizen)).content.decode()
    assert "keeps their activity, followers and follows private" in page
    assert "Bram Other" not in page
    assert "submitted the proposal" not in page
    assert "Hole in the cycle path" in page  # contributions are public anyway


def test_erased_profile_shows_former_participant_only(client, citizen, report):
    from wegov.accounts import services as account_services

    account_services.user_erase(actor=citizen, user=citizen)
    page = client.get(profile_url(citizen)).content.decode()
    assert "former participant" in page
    assert "Hole in the cycle path" not in page
    assert "Anna Citizen" not in page


def test_unknown_and_deactivated_profiles_are_not_found(client, citizen):
    import uuid

    assert client.get(reverse("social:profile", args=[uuid.uuid4()])).status_code == 404
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert client.get(profile_url(citizen)).status_code == 404


def test_profile_query_count(client, publish, citizen, report, django_assert_max_num_queries):
    for _ in range(10):
        ReportFactory(category=report.category, reporter=citizen)
        services.follow(actor=UserFactory(), target_kind="user", target_id=citizen.pk)
    for r in ReportFactory.create_batch(5, category=report.category):
        publish("proposal.created", actor=citizen, target_kind="report", target_id=r.pk)
        services.follow(actor=citizen, target_kind="report", target_id=r.pk)
    # One query per contribution kind, the rest fixed.
    with django_assert_max_num_queries(8 + len(registry.kinds())):
        response = client.get(profile_url(citizen))
    assert "10 followers" in response.content.decode()


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (300, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x8825] = {1: "N", 2: (52.0, 9.0, 0.0)}
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_avatar_is_square_without_metadata(client, citizen):
    client.force_login(citizen)
    upload = SimpleUploadedFile("me.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(PROFILE_EDIT, {"avatar": upload, "activity_public": "on"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    with citizen.avatar.open("rb") as stored:
        data = stored.read()
    assert b"SpyCam" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (256, 256)
        assert not img.getexif()
    assert citizen.avatar.url in client.get(profile_url(citizen)).content.decode()

    old = citizen.avatar.name
    response = client.post(PROFILE_EDIT, {"remove_avatar": "on"})
    citizen.refresh_from_db()
    assert not citizen.avatar
    assert citizen.activity_public is False
    assert old


def test_avatar_rejects_what_is_not_a_picture(client, citizen):
    client.force_login(citizen)
    upload = SimpleUploadedFile("me.jpg", b"<?php echo 1;", content_type="image/jpeg")
    response = client.post(PROFILE_EDIT, {"avatar": upload})
    assert response.status_code == 400
    assert "not a picture we can read" in response.content.decode()
    citizen.refresh_from_db()
    assert not citizen.avatar


# --- The feed -------------------------------------------------------------------------------------


def test_home_feed_shows_public_activity_and_drops_hidden_content(
    client, publish, report, other_report, other_citizen, citizen
):
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    publish("debate.created", actor=other_citizen, target_kind="report", target_id=other_report.pk)
    publish(
        "comment.mentioned",
        actor=other_citizen,
        target_kind="report",
        target_id=report.pk,
        notify=[citizen.pk],
        public=False,
    )
    page = client.get("/").content.decode()
    assert "Shape Lindenbrug together" in page  # what was there stays
    assert "submitted the proposal" in page and "Hole in the cycle path" in page
    assert "Broken street light" in page
    assert "mentioned" not in page

    services.activity_visibility_set(kind="report", object_id=report.pk, hidden=True)
    page = client.get("/").content.decode()
    assert "Hole in the cycle path" not in page
    assert "Broken street light" in page


def test_feed_skips_deleted_and_private_targets(
    client, publish, report, other_report, other_citizen
):
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    publish(
        "proposal.created", actor=other_citizen, target_kind="report", target_id=other_report.pk
    )
    report.delete()
    other_report.is_anonymous = True
    other_report.save(update_fields=["is_anonymous"])
    page = client.get(reverse("social:feed")).content.decode()
    assert "Nothing has happened yet." in page


def test_following_tab_shows_only_what_i_follow(
    client, publish, report, other_report, other_citizen, citizen
):
    services.follow(actor=citizen, target_kind="report", target_id=report.pk)
    publish("proposal.created", actor=other_citizen, target_kind="report", target_id=report.pk)
    publish("debate.created", actor=other_citizen, target_kind="report", target_id=other_report.pk)
    client.force_login(citizen)
    page = client.get("/?feed=following").content.decode()
    assert "Hole in the cycle path" in page
    assert "Broken street light" not in page
    assert "From what you follow" in page
    # Anonymous visitors have no tab and see everything.
    client.logout()
    page = client.get("/?feed=following").content.decode()
    assert "From what you follow" not in page
    assert "Broken street light" in page


def test_feed_query_count(
    client, citizen, category, process, topic, city, django_assert_max_num_queries
):
    users = UserFactory.create_batch(5)
    for i in range(40):
        r = ReportFactory(category=category)
        ActivityFactory(actor=users[i % 5], target_kind="report", target_id=r.pk)
    for kind, target_id in (("process", process.pk), ("topic", topic.pk), ("district", city.pk)):
        ActivityFactory(verb="process.published", target_kind=kind, target_id=target_id)
    for user in users:
        services.follow(actor=citizen, target_kind="user", target_id=user.pk)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("social:feed"))
    assert response.content.decode().count("wegov-feed__item") == 25
    client.force_login(citizen)
    with django_assert_max_num_queries(14):
        response = client.get("/?feed=following")
    assert response.content.decode().count("wegov-feed__item") == 10


def test_feed_pages_with_a_cursor(client, category):
    actor = UserFactory()
    for _ in range(30):
        ActivityFactory(
            actor=actor, target_kind="report", target_id=ReportFactory(category=category).pk
        )
    first = client.get(reverse("social:feed"))
    assert first.context["older"]
    second = client.get(reverse("social:feed") + f"?before={first.context['older']}")
    assert second.content.decode().count("wegov-feed__item") == 5
    shown_first = {item.activity.pk for item in first.context["items"]}
    assert not shown_first & {item.activity.pk for item in second.context["items"]}


def test_unread_count_context_processor_is_lazy_and_one_query(
    rf, publish, report, citizen, other_citizen, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    from wegov.social.context_processors import notifications

    notify(publish, citizen, report, other_citizen)
    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {"unread_notification_count": 0}
    request.user = citizen
    with django_assert_num_queries(0):
        value = notifications(request)["unread_notification_count"]
    with django_assert_num_queries(1):
        assert value == 1 and bool(value) and str(value) == "1"
