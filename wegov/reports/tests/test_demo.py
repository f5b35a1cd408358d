import itertools
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, F

from wegov.places import selectors as places
from wegov.reports.models import (
    Category,
    Channel,
    Confirmation,
    Report,
    ReportUpdate,
    RoutingRule,
    ServiceAttribute,
    Status,
    Subscription,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("load_demo")
    return {"seconds": time.monotonic() - started, "callbacks": callbacks}


def check_reports():
    assert Category.objects.count() >= 20
    assert Category.objects.values("department").distinct().count() >= 6
    assert Category.objects.filter(allows_anonymous=False).exists()
    kinds = set(ServiceAttribute.objects.values_list("datatype", flat=True))
    assert {"string", "number", "singlevaluelist"} <= kinds
    assert RoutingRule.objects.filter(district__slug="binnenstad").exists()

    assert Report.objects.count() >= 300
    assert set(Report.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Report.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert Report.objects.filter(is_hidden=True).exists()
    assert (
        Report.objects.filter(status=Status.NOT_RESPONSIBLE).exclude(responsible_body="").exists()
    )
    assert not Report.objects.filter(status=Status.NOT_RESPONSIBLE, responsible_body="").exists()
    assert not Report.objects.filter(status=Status.DUPLICATE, duplicate_of=None).exists()
    overdue = [r for r in Report.objects.all() if r.is_overdue]
    assert overdue, "some open reports are past their due date"

    city = places.city_area()
    districts = {r.district_id for r in Report.objects.all()}
    assert None not in districts and len(districts) == 8
    for report in Report.objects.only("lat", "lon", "district"):
        assert places.is_inside_city(report.lat, report.lon)
        assert places.district_at(report.lat, report.lon).pk == report.district_id
    assert city is not None


def check_timelines():
    reports = Report.objects.all()
    for report in reports:
        assert report.acknowledged_at is None or report.created_at <= report.acknowledged_at
        if report.resolved_at:
            assert report.acknowledged_at <= report.resolved_at
            assert report.status not in (Status.SUBMITTED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
        else:
            assert report.is_open
        assert report.status_changed_at >= report.created_at
        assert report.updated_at >= report.status_changed_at
        assert report.due_at > report.created_at
    # History: starts with "submitted", ends with the current status, in time order.
    updates = ReportUpdate.objects.order_by("report_id", "created_at", "id")
    history = {}
    for update in updates:
        history.setdefault(update.report_id, []).append(update)
    for report in reports:
        steps = history[report.pk]
        assert steps[0].status_to == Status.SUBMITTED
        assert steps[0].created_at == report.created_at
        changes = [u for u in steps if u.status_to]
        assert changes[-1].status_to == report.status
        assert all(a.created_at <= b.created_at for a, b in itertools.pairwise(steps))
        for update in steps:
            assert update.created_at >= report.created_at
    # Acknowledged hours to days after the report, not at the same instant.
    first = Report.objects.exclude(acknowledged_at=None).exclude(status=Status.DUPLICATE)
    assert not first.filter(acknowledged_at=F("created_at")).exists()
    assert ReportUpdate.objects.filter(kind=ReportUpdate.Kind.INTERNAL).exists()
    assert ReportUpdate.objects.filter(kind=ReportUpdate.Kind.PUBLIC, status_to="").exists()


def check_people():
    assert Confirmation.objects.exists()
    counted = Report.objects.annotate(n=Count("confirmations")).exclude(n=F("confirmations_count"))
    assert not counted.exists()
    assert Subscription.objects.filter(user__isnull=False).exists()
    assert Subscription.objects.filter(user__isnull=True).exists()
    for confirmation in Confirmation.objects.select_related("report"):
        assert confirmation.created_at >= confirmation.report.created_at
    staff_filed = Report.objects.exclude(filed_by=None)
    assert staff_filed.exists()
    assert not staff_filed.filter(channel__in=[Channel.WEB, Channel.APP, Channel.API]).exists()


def test_demo_reports(demo):
    """One load (it takes seconds), every check."""
    assert mail.outbox == [], "loading the demo emails nobody"
    assert demo["seconds"] < 20
    check_reports()
    check_timelines()
    check_people()
