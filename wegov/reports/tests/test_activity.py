"""Reports in the activity feed: a new report and a resolved one are announced
to the followers of its district (and of a named reporter), never naming an
anonymous reporter."""

import pytest
from django.urls import reverse

from wegov.reports import services
from wegov.reports.models import Status
from wegov.social.models import Activity, Follow, Notification

from .factories import CategoryFactory
from .test_services import new

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(department):
    return CategoryFactory(department=department, name="Broken furniture")


def test_a_named_report_is_in_the_feed_and_notifies_district_followers(
    city,
    citizen,
    other_citizen,
    category,
    client,
    django_capture_on_commit_callbacks,
):
    Follow.objects.create(user=other_citizen, target_kind="district", target_id=city.pk)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_create(actor=citizen, data=new(category, title="Broken bench"))
    created = Activity.objects.get(verb="report.created")
    assert (created.target_kind, created.target_id) == ("report", report.pk)
    assert created.actor == citizen and created.is_public
    assert Notification.objects.filter(recipient=other_citizen, activity=created).exists()
    assert not Notification.objects.filter(recipient=citizen).exists(), "not of one's own"
    feed = client.get(reverse("social:feed")).content.decode()
    assert "Problem reported:" in feed and "Broken bench" in feed


def test_an_anonymous_report_never_names_its_reporter(
    city,
    citizen,
    other_citizen,
    category,
    django_capture_on_commit_callbacks,
):
    Follow.objects.create(user=other_citizen, target_kind="user", target_id=citizen.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_create(actor=citizen, data=new(category, anonymous=True))
    created = Activity.objects.get(verb="report.created")
    assert created.actor is None
    assert not Notification.objects.filter(recipient=other_citizen).exists(), (
        "following the person must not reveal their anonymous report"
    )


def test_resolving_is_announced_once(
    city,
    citizen,
    staff,
    other_citizen,
    category,
    django_capture_on_commit_callbacks,
):
    report = services.report_create(actor=citizen, data=new(category))
    Follow.objects.create(user=other_citizen, target_kind="report", target_id=report.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_change_status(actor=staff, report=report, status=Status.IN_PROGRESS)
        services.report_change_status(actor=staff, report=report, status=Status.RESOLVED)
    resolved = Activity.objects.get(verb="report.resolved")
    assert resolved.actor is None
    assert Notification.objects.filter(recipient=other_citizen, activity=resolved).exists()
    assert Activity.objects.filter(verb__startswith="report.").count() == 1, (
        "the creation was not committed inside the capture; only the resolution was"
    )
