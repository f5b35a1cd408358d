import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from wegov.accounts.tests.factories import MembershipFactory, UserFactory
from wegov.core.models import AuditEntry
from wegov.reports import services
from wegov.reports.models import ReportUpdate, RoutingRule, ServiceAttribute, Status, Subscription
from wegov.reports.tests.factories import CENTRE, CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(department):
    return CategoryFactory(department=department, name="Pothole", service_code="pothole")


def new(category, **kw):
    data = {
        "category": category,
        "title": "Hole in road",
        "description": "Deep hole",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    data.update(kw)
    return services.NewReport(**data)


def test_citizen_report_is_routed_subscribed_and_due(city, citizen, category, department):
    report = services.report_create(actor=citizen, data=new(category))
    assert report.department == department
    assert report.district.slug == "centrum"
    assert report.reporter == citizen and not report.is_anonymous
    assert Subscription.objects.filter(report=report, user=citizen).exists()
    assert (report.due_at - report.created_at).total_seconds() == pytest.approx(72 * 3600, abs=5)
    assert report.updates.get().status_to == Status.SUBMITTED


def test_district_routing_rule_wins(city, citizen, category, other_department):
    RoutingRule.objects.create(category=category, district=city, department=other_department)
    assert services.report_create(actor=citizen, data=new(category)).department == other_department


def test_outside_city_is_refused_with_a_message(city, citizen, category):
    with pytest.raises(ValidationError) as exc:
        services.report_create(actor=citizen, data=new(category, lat=52.5, lon=5.0))
    assert "outside the city" in str(exc.value)


def test_anonymous_needs_email_and_an_open_category(city, category):
    with pytest.raises(ValidationError, match="email"):
        services.report_create(actor=None, data=new(category))
    report = services.report_create(actor=None, data=new(category, email="a@example.org"))
    assert report.is_anonymous and report.reporter is None
    assert Subscription.objects.get(report=report).email == "a@example.org"
    category.allows_anonymous = False
    category.save()
    with pytest.raises(ValidationError, match="Log in"):
        services.report_create(actor=None, data=new(category, email="a@example.org"))


def test_required_and_typed_attributes(city, citizen, category):
    ServiceAttribute.objects.create(
        category=category, code="depth", description="How deep?", datatype="number", required=True
    )
    ServiceAttribute.objects.create(
        category=category,
        code="lane",
        description="Which lane?",
        datatype="singlevaluelist",
        values=[{"key": "left", "name": "Left"}, {"key": "right", "name": "Right"}],
    )
    with pytest.raises(ValidationError) as exc:
        services.report_create(actor=citizen, data=new(category, attributes={"lane": "middle"}))
    assert set(exc.value.message_dict) == {"depth", "lane"}
    report = services.report_create(
        actor=citizen, data=new(category, attributes={"depth": "12", "lane": "left"})
    )
    assert {v.attribute.code: v.value for v in report.attribute_values.all()} == {
        "depth": "12",
        "lane": "left",
    }


def test_status_workflow_is_audited_and_notifies_subscribers(
    city, citizen, staff, category, mailoutbox, django_capture_on_commit_callbacks
):
    report = services.report_create(actor=citizen, data=new(category))
    # Domain events fire after commit: run them inside the test transaction.
    with django_capture_on_commit_callbacks(execute=True):
        services.report_change_status(
            actor=staff,
            report=report,
            status=Status.ACKNOWLEDGED,
            text="We will look at it this week.",
        )
    report.refresh_from_db()
    assert report.acknowledged_at is not None
    assert AuditEntry.objects.filter(action="report.status_changed", actor=staff).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [citizen.email]
    assert "We will look at it this week." in mailoutbox[0].body
    assert mailoutbox[0].alternatives[0][1] == "text/html"
    with pytest.raises(ValidationError):
        services.report_change_status(actor=staff, report=report, status=Status.SUBMITTED)
    services.report_change_status(actor=staff, report=report, status=Status.RESOLVED)
    report.refresh_from_db()
    assert report.resolved_at is not None and not report.is_open


def test_only_handlers_change_status(city, citizen, other_staff, moderator, category):
    report = services.report_create(actor=citizen, data=new(category))
    for actor in (citizen, other_staff, moderator):
        with pytest.raises(PermissionDenied):
            services.report_change_status(actor=actor, report=report, status=Status.ACKNOWLEDGED)


def test_not_responsible_needs_the_body(city, citizen, staff, category):
    report = services.report_create(actor=citizen, data=new(category))
    with pytest.raises(ValidationError):
        services.report_change_status(actor=staff, report=report, status=Status.NOT_RESPONSIBLE)
    services.report_change_status(
        actor=staff,
        report=report,
        status=Status.NOT_RESPONSIBLE,
        responsible_body="Rijkswaterstaat",
    )
    report.refresh_from_db()
    assert report.responsible_body == "Rijkswaterstaat"


def test_internal_note_is_not_emailed(
    city, citizen, staff, category, mailoutbox, django_capture_on_commit_callbacks
):
    report = services.report_create(actor=citizen, data=new(category))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_add_update(
            actor=staff, report=report, text="Check with contractor", internal=True
        )
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.report_add_update(actor=staff, report=report, text="Crew planned", internal=False)
    assert len(mailoutbox) == 1 and "Check with contractor" not in mailoutbox[0].body


def test_duplicate_moves_subscribers(city, citizen, other_citizen, staff, category):
    original = services.report_create(actor=citizen, data=new(category))
    copy = services.report_create(actor=other_citizen, data=new(category))
    services.report_mark_duplicate(actor=staff, report=copy, original=original)
    copy.refresh_from_db()
    assert copy.status == Status.DUPLICATE and copy.duplicate_of == original
    assert Subscription.objects.filter(report=original, user=other_citizen).exists()
    with pytest.raises(ValidationError):
        services.report_mark_duplicate(actor=staff, report=original, original=original)


def test_reassign_needs_reason_and_moves_queue(city, citizen, staff, category, other_department):
    report = services.report_create(actor=citizen, data=new(category))
    with pytest.raises(ValidationError):
        services.report_reassign(
            actor=staff, report=report, department=other_department, reason=" "
        )
    services.report_reassign(
        actor=staff, report=report, department=other_department, reason="Trees are Parks"
    )
    report.refresh_from_db()
    assert report.department == other_department
    note = report.updates.filter(kind=ReportUpdate.Kind.INTERNAL).get()
    assert "Trees are Parks" in note.text
    # The old department can no longer act on it.
    with pytest.raises(PermissionDenied):
        services.report_change_status(actor=staff, report=report, status=Status.ACKNOWLEDGED)


def test_confirmation_once_per_person(city, citizen, other_citizen, category):
    report = ReportFactory(category=category)
    assert services.report_confirm(actor=citizen, report=report) is True
    assert services.report_confirm(actor=citizen, report=report) is False
    assert services.report_confirm(actor=other_citizen, report=report) is True
    report.refresh_from_db()
    assert report.confirmations_count == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_lose_nothing(category):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memory"):
        pytest.skip("in-memory SQLite is one connection")
    report = ReportFactory(category=category)
    people = [UserFactory() for _ in range(8)]
    errors = []

    def confirm(person):
        try:
            services.report_confirm(actor=person, report=report)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report.refresh_from_db()
    assert report.confirmations_count == 8 == report.confirmations.count()


@pytest.mark.django_db(transaction=True)
def test_concurrent_status_changes_keep_history_consistent(category, department):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memory"):
        pytest.skip("in-memory SQLite is one connection")
    handlers = [UserFactory() for _ in range(4)]
    for person in handlers:
        MembershipFactory(user=person, organisation=department)
    report = ReportFactory(category=category, department=department)
    results = []

    def change(person):
        try:
            services.report_change_status(actor=person, report=report, status=Status.ACKNOWLEDGED)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(p,)) for p in handlers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Exactly one wins; the others see the new status and are refused.
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert report.updates.filter(status_to=Status.ACKNOWLEDGED).count() == 1


def test_bulk_change_reports_refusals(city, citizen, staff, category, other_department):
    mine = services.report_create(actor=citizen, data=new(category))
    theirs = ReportFactory(category=category, department=other_department)
    changed, refused = services.report_bulk_change_status(
        actor=staff, reports=[mine, theirs], status=Status.ACKNOWLEDGED
    )
    assert [r.pk for r in changed] == [mine.pk]
    assert refused[0][0].pk == theirs.pk


def test_staff_files_on_behalf_with_channel(city, staff, category):
    data = new(
        category, channel="phone", name="Mrs Jansen", phone="0612345678", email="jansen@example.org"
    )
    report = services.report_create(actor=None, data=data, filed_by=staff)
    assert report.channel == "phone" and report.filed_by == staff
    assert AuditEntry.objects.filter(action="report.filed_on_behalf").exists()


def test_citizen_cannot_file_on_behalf(city, citizen, category):
    with pytest.raises(PermissionDenied):
        services.report_create(actor=None, data=new(category, channel="phone"), filed_by=citizen)


def test_erasure_keeps_report_as_former_participant(city, citizen, category, client, password):
    from wegov.accounts.services import user_erase

    report = services.report_create(actor=citizen, data=new(category))
    user_erase(actor=citizen, user=citizen)
    report.refresh_from_db()
    assert report.public_author() == "former participant"
    assert report.reporter_email == ""
