"""The staff back office (queue, report page, actions, filing on behalf) and the
public accountability page."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from wegov.accounts.models import Organisation
from wegov.core.models import AuditEntry
from wegov.reports import views_staff
from wegov.reports.models import Channel, Report, ReportUpdate, Status, Subscription
from wegov.reports.tests.factories import CENTRE, CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db

ALL_ROLES = ["anonymous", "citizen", "other_citizen", "staff", "other_staff", "moderator"]
ALL_ROLES += ["admin_user"]
HANDLERS = {"staff", "admin_user"}


@pytest.fixture
def category(department):
    return CategoryFactory(department=department, name="Pothole", service_code="pothole")


@pytest.fixture
def parks_category(other_department):
    return CategoryFactory(department=other_department, name="Bench", service_code="bench")


@pytest.fixture
def report(category, citizen):
    report = ReportFactory(
        category=category,
        title="Hole in the Kerkstraat",
        reporter=citizen,
        reporter_email="anna.reporter@example.org",
        reporter_name="Anna Reporter",
        reporter_phone="+31 6 1234 5678",
        is_anonymous=False,
    )
    Subscription.objects.create(report=report, user=citizen)
    return report


@pytest.fixture
def parks_report(parks_category):
    return ReportFactory(category=parks_category, title="Broken bench in the park")


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def expect(response, role, allowed: set[str], ok: int = 200):
    if role == "anonymous":
        assert is_login_redirect(response), response.status_code
    elif role in allowed:
        assert response.status_code == ok, (role, response.status_code)
    else:
        assert response.status_code == 403, (role, response.status_code)


def text_of(response) -> str:
    return response.content.decode()


# --- Permission matrix ------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_queue_permissions(as_role, role, report, other_department):
    client, _user = as_role(role)
    response = client.get(reverse("backoffice:queue"))
    expect(response, role, {"staff", "other_staff", "admin_user"})


@pytest.mark.parametrize("role", ALL_ROLES)
def test_staff_report_page_permissions(as_role, role, report, other_department):
    client, _user = as_role(role)
    response = client.get(reverse("backoffice:detail", args=[report.pk]))
    expect(response, role, HANDLERS)
    if role in HANDLERS:
        assert "anna.reporter@example.org" in text_of(response)


def action_posts(report, original, other_department):
    return {
        "change_status": {"status": Status.ACKNOWLEDGED, "text": "On our list."},
        "add_update": {"kind": "internal", "text": "Crew planned for Tuesday."},
        "reassign": {"department": other_department.pk, "reason": "Park path, not a road."},
        "mark_duplicate": {"original": original.pk, "confirmed": "True"},
    }


@pytest.mark.parametrize("action", ["change_status", "add_update", "reassign", "mark_duplicate"])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_action_permissions(as_role, role, action, report, category, other_department):
    original = ReportFactory(category=category)
    client, _user = as_role(role)
    data = action_posts(report, original, other_department)[action]
    before = ReportUpdate.objects.count()
    response = client.post(reverse(f"backoffice:{action}", args=[report.pk]), data)
    expect(response, role, HANDLERS, ok=302)
    changed = ReportUpdate.objects.count() > before
    assert changed == (role in HANDLERS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_hide_permissions(as_role, role, report, other_department):
    client, _user = as_role(role)
    url = reverse("backoffice:visibility", args=[report.pk])
    response = client.post(url, {"hidden": "1", "reason": "Personal data in the text."})
    expect(response, role, HANDLERS | {"moderator"}, ok=302)
    report.refresh_from_db()
    assert report.is_hidden == (role in HANDLERS | {"moderator"})


def test_moderator_gets_a_page_of_its_own_to_hide_and_unhide(as_role, report):
    client, moderator = as_role("moderator")
    url = reverse("backoffice:visibility", args=[report.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"hidden": "1", "reason": ""})
    assert response.status_code == 400
    assert "Give a reason." in text_of(response)
    assert client.post(url, {"hidden": "1", "reason": "Insult"})["Location"] == url
    response = client.post(url, {"hidden": "0", "reason": "Edited"}, follow=True)
    assert "The report is public again." in text_of(response)
    report.refresh_from_db()
    assert not report.is_hidden
    assert AuditEntry.objects.filter(actor=moderator, action="report.unhidden").exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_file_on_behalf_permissions(as_role, role, other_department):
    client, _user = as_role(role)
    response = client.get(reverse("backoffice:file_on_behalf"))
    expect(response, role, {"staff", "other_staff", "admin_user"})


def test_get_on_an_action_is_not_allowed(as_role, report):
    client, _user = as_role("staff")
    response = client.get(reverse("backoffice:change_status", args=[report.pk]))
    assert response.status_code == 405


def test_missing_report_is_404(as_role):
    client, _user = as_role("staff")
    assert client.get(reverse("backoffice:detail", args=[999999])).status_code == 404
    response = client.post(reverse("backoffice:change_status", args=[999999]), {"status": "x"})
    assert response.status_code == 404


# --- Queue ----------------------------------------------------------------------


def test_other_department_sees_only_its_own_queue(as_role, report, parks_report):
    client, _user = as_role("other_staff")
    page = text_of(client.get(reverse("backoffice:queue")))
    assert parks_report.title in page
    assert report.title not in page
    response = client.post(
        reverse("backoffice:change_status", args=[report.pk]), {"status": Status.ACKNOWLEDGED}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_admin_sees_every_department_and_can_filter(as_role, report, parks_report):
    client, _user = as_role("admin_user")
    page = text_of(client.get(reverse("backoffice:queue")))
    assert report.title in page and parks_report.title in page
    page = text_of(client.get(reverse("backoffice:queue"), {"department": "parks"}))
    assert parks_report.title in page and report.title not in page


def test_status_filter(as_role, category, report):
    resolved = ReportFactory(category=category, title="Fixed already", status=Status.RESOLVED)
    client, _user = as_role("staff")
    url = reverse("backoffice:queue")
    page = text_of(client.get(url))
    assert report.title in page and resolved.title not in page
    page = text_of(client.get(url, {"status": "resolved"}))
    assert report.title not in page and resolved.title in page
    page = text_of(client.get(url, {"status": "all"}))
    assert report.title in page and resolved.title in page
    response = client.get(url, {"status": "nonsense"})
    assert response.status_code == 400
    assert "Select a valid choice" in text_of(response)


def test_sorting_by_confirmations_and_age(as_role, category):
    now = timezone.now()
    old = ReportFactory(category=category, title="Oldest one")
    ReportFactory(category=category, title="Popular one", confirmations_count=9)
    Report.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=20))
    client, _user = as_role("staff")
    url = reverse("backoffice:queue")
    page = text_of(client.get(url, {"order": "confirmations"}))
    assert page.index("Popular one") < page.index("Oldest one")
    page = text_of(client.get(url, {"order": "oldest"}))
    assert page.index("Oldest one") < page.index("Popular one")
    page = text_of(client.get(url, {"order": "newest"}))
    assert page.index("Popular one") < page.index("Oldest one")


def test_sla_breach_is_highlighted(as_role, category):
    late = ReportFactory(category=category, title="Late one")
    Report.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=3, hours=2))
    on_time = ReportFactory(category=category, title="On time")
    client, _user = as_role("staff")
    page = text_of(client.get(reverse("backoffice:queue")))
    assert page.count("wegov-sla-breach") == 1
    row_late = page[page.index("Late one") :].split("</tr>")[0]
    assert "overdue by 3 days" in row_late and "govuk-tag--red" in row_late
    row_on_time = page[page.index(on_time.title) :].split("</tr>")[0]
    assert "overdue" not in row_on_time
    detail = text_of(client.get(reverse("backoffice:detail", args=[late.pk])))
    assert "overdue by 3 days" in detail


def test_queue_is_paginated_with_a_fixed_number_of_queries(
    as_role, category, django_assert_max_num_queries
):
    ReportFactory.create_batch(60, category=category)
    client, _user = as_role("staff")
    url = reverse("backoffice:queue")
    client.get(url)  # warm the session cache
    # 10 for the queue, 1 for the header's unread-notification count.
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert text_of(response).count('name="reports"') == 50
    page = text_of(client.get(url, {"page": 2}))
    assert page.count('name="reports"') == 10
    assert "Page 2 of 2" in page


# --- Bulk status change -------------------------------------------------------------


def test_bulk_change_with_mixed_permissions(
    as_role, category, report, parks_report, mailoutbox, django_capture_on_commit_callbacks
):
    resolved = ReportFactory(category=category, title="Already fixed", status=Status.RESOLVED)
    other_open = ReportFactory(category=category, title="Another hole")
    client, _staff = as_role("staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:bulk_status"),
            {
                "reports": [report.pk, other_open.pk, resolved.pk, parks_report.pk],
                "status": Status.ACKNOWLEDGED,
                "text": "We have seen these.",
            },
        )
    assert response.status_code == 200
    page = text_of(response)
    changed = page[page.index('id="changed"') :].split("</ul>")[0]
    refused = page[page.index('id="refused"') :].split("</ul>")[0]
    assert report.title in changed and other_open.title in changed
    assert f"#{resolved.pk}: A report that is “Resolved” cannot become “Acknowledged”." in refused
    assert f"#{parks_report.pk}: Only staff of the assigned department can do this." in refused
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses[report.pk] == statuses[other_open.pk] == Status.ACKNOWLEDGED
    assert statuses[resolved.pk] == Status.RESOLVED
    assert statuses[parks_report.pk] == Status.SUBMITTED
    assert ReportUpdate.objects.filter(text="We have seen these.").count() == 2
    assert [m.to for m in mailoutbox] == [[report.reporter.email]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": Status.ACKNOWLEDGED}, "Select at least one report."),
        ({"reports": ["REPORT"], "status": "exploded"}, "Select a valid choice"),
        ({"reports": ["REPORT"], "status": Status.DUPLICATE}, "Select a valid choice"),
        ({"reports": [999999], "status": Status.RESOLVED}, "Report 999999 does not exist."),
    ],
)
def test_bulk_change_bad_input(as_role, report, data, message):
    data = {**data, "reports": [report.pk if r == "REPORT" else r for r in data.get("reports", [])]}
    client, _user = as_role("staff")
    response = client.post(reverse("backoffice:bulk_status") + "?status=open", data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert report.title in text_of(response)  # the queue is shown again
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


# --- Report page and actions ----------------------------------------------------------


def test_staff_page_shows_reporter_contact_and_public_page_does_not(as_role, report, client):
    staff_client, _staff = as_role("staff")
    page = text_of(staff_client.get(reverse("backoffice:detail", args=[report.pk])))
    for detail in ("Anna Reporter", "anna.reporter@example.org", "+31 6 1234 5678", "Website"):
        assert detail in page
    client.logout()
    public = text_of(client.get(reverse("reports:detail", args=[report.pk])))
    assert report.title in public
    for detail in ("anna.reporter@example.org", "+31 6 1234 5678"):
        assert detail not in public


def test_status_change_emails_subscribers_and_redirects_with_a_banner(
    as_role, report, mailoutbox, django_capture_on_commit_callbacks
):
    client, staff = as_role("staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("backoffice:change_status", args=[report.pk]),
            {"status": Status.IN_PROGRESS, "text": "The crew is on its way."},
        )
    assert response["Location"] == reverse("backoffice:detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert AuditEntry.objects.filter(actor=staff, action="report.status_changed").exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [report.reporter.email]
    assert "The crew is on its way." in mailoutbox[0].body
    page = text_of(client.get(response["Location"]))
    assert "The status is now “In progress”." in page


def test_status_select_offers_only_allowed_transitions(as_role, category):
    resolved = ReportFactory(category=category, status=Status.RESOLVED)
    client, _user = as_role("staff")
    page = text_of(client.get(reverse("backoffice:detail", args=[resolved.pk])))
    form = page[page.index('id="change-status"') :].split("</form>")[0]
    assert 'value="in_progress"' in form
    for status in ("acknowledged", "resolved", "closed", "duplicate", "submitted"):
        assert f'value="{status}"' not in form


def test_not_responsible_with_the_responsible_body(as_role, report, client):
    staff_client, _user = as_role("staff")
    response = staff_client.post(
        reverse("backoffice:change_status", args=[report.pk]),
        {"status": Status.NOT_RESPONSIBLE, "responsible_body": "Rijkswaterstaat"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.NOT_RESPONSIBLE
    assert report.responsible_body == "Rijkswaterstaat"


def test_internal_note_never_on_the_public_page(as_role, report, client):
    staff_client, _user = as_role("staff")
    response = staff_client.post(
        reverse("backoffice:add_update", args=[report.pk]),
        {"kind": "internal", "text": "Neighbour is difficult, ring twice."},
    )
    assert response.status_code == 302
    staff_client.post(
        reverse("backoffice:add_update", args=[report.pk]),
        {"kind": "public", "text": "We will repair it next week."},
    )
    staff_page = text_of(staff_client.get(reverse("backoffice:detail", args=[report.pk])))
    assert "Neighbour is difficult, ring twice." in staff_page
    assert "We will repair it next week." in staff_page
    staff_client.logout()
    for role in ("anonymous", "citizen"):
        if role == "citizen":
            client.force_login(report.reporter)
        public = text_of(client.get(reverse("reports:detail", args=[report.pk])))
        assert "We will repair it next week." in public
        assert "Neighbour is difficult" not in public


def test_reassign_moves_the_report_to_the_other_queue(
    as_role, report, other_department, other_staff, client
):
    staff_client, _staff = as_role("staff")
    response = staff_client.post(
        reverse("backoffice:reassign", args=[report.pk]),
        {"department": other_department.pk, "reason": "Park path, not a road."},
    )
    # The report left staff's departments: back to the queue, with a banner.
    assert response["Location"] == reverse("backoffice:queue")
    page = text_of(staff_client.get(response["Location"]))
    assert "has been sent to Parks and Green" in page
    assert report.title not in page.split("has been sent to")[1]
    report.refresh_from_db()
    assert report.department == other_department
    note = report.updates.get(kind=ReportUpdate.Kind.INTERNAL)
    assert "Park path, not a road." in note.text
    staff_client.logout()
    other_client, _other = as_role("other_staff")
    assert report.title in text_of(other_client.get(reverse("backoffice:queue")))


def test_duplicate_marking_confirms_then_moves_subscribers(
    as_role, report, category, other_citizen, client
):
    original = ReportFactory(category=category, title="The first report of this hole")
    Subscription.objects.create(report=report, email="neighbour@example.org")
    staff_client, _user = as_role("staff")
    url = reverse("backoffice:mark_duplicate", args=[report.pk])
    response = staff_client.post(url, {"original": original.pk})
    assert response.status_code == 200
    assert "The first report of this hole" in text_of(response)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED  # nothing changed before the confirmation
    response = staff_client.post(url, {"original": original.pk, "confirmed": "True"})
    assert response.status_code == 302
    page = text_of(staff_client.get(response["Location"]))
    assert f"Marked as a duplicate of #{original.pk} “The first report of this hole”" in page
    report.refresh_from_db()
    assert report.status == Status.DUPLICATE and report.duplicate_of == original
    moved = Subscription.objects.filter(report=original)
    assert set(moved.values_list("user", flat=True)) == {report.reporter.pk, None}
    assert moved.get(user=None).email == "neighbour@example.org"
    public = text_of(client.get(reverse("reports:detail", args=[report.pk])))
    assert reverse("reports:detail", args=[original.pk]) in public


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("change_status", {"status": "exploded"}, "Select a valid choice"),
        ("change_status", {"status": ""}, "Choose the new status."),
        ("change_status", {"status": Status.SUBMITTED}, "Select a valid choice"),
        ("change_status", {"status": Status.NOT_RESPONSIBLE}, "Say who is responsible instead."),
        ("add_update", {"kind": "internal", "text": "   "}, "Write the update."),
        ("add_update", {"kind": "secret", "text": "x"}, "Select a valid choice"),
        ("reassign", {"department": "OTHER", "reason": ""}, "Say why the report goes"),
        ("reassign", {"department": "", "reason": "x"}, "Choose the department"),
        ("reassign", {"department": "OWN", "reason": "x"}, "Choose a department from the list"),
        ("mark_duplicate", {"original": "SELF"}, "A report cannot duplicate itself."),
        ("mark_duplicate", {"original": "999999"}, "There is no report number 999999."),
        ("mark_duplicate", {"original": "abc"}, "Enter a report number"),
        ("mark_duplicate", {"original": "DUP"}, "is itself a duplicate"),
        ("visibility", {"hidden": "1", "reason": " "}, "Give a reason."),
    ],
)
def test_bad_input_gives_400_and_changes_nothing(
    as_role, report, category, other_department, action, data, message
):
    dup = ReportFactory(category=category, status=Status.DUPLICATE)
    values = {"SELF": report.pk, "OTHER": other_department.pk, "OWN": report.department_id}
    values["DUP"] = dup.pk
    data = {k: values.get(v, v) for k, v in data.items()}
    client, _user = as_role("staff")
    updates, audits = ReportUpdate.objects.count(), AuditEntry.objects.count()
    response = client.post(reverse(f"backoffice:{action}", args=[report.pk]), data)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "govuk-error-summary" in page
    before = {k: getattr(report, k) for k in ("status", "department_id", "is_hidden")}
    report.refresh_from_db()
    assert {k: getattr(report, k) for k in before} == before
    assert ReportUpdate.objects.count() == updates
    assert AuditEntry.objects.count() == audits


def test_hide_and_unhide_from_the_staff_page(as_role, report, client):
    staff_client, staff = as_role("staff")
    url = reverse("backoffice:visibility", args=[report.pk])
    response = staff_client.post(url, {"hidden": "1", "reason": "Name of a neighbour in it."})
    assert response["Location"] == reverse("backoffice:detail", args=[report.pk])
    page = text_of(staff_client.get(response["Location"]))
    assert "Hidden from the public" in page
    staff_client.logout()
    public = text_of(client.get(reverse("reports:detail", args=[report.pk])))
    assert "This report is hidden" in public and report.title not in public
    assert "Name of a neighbour in it." not in public, "the staff reason is internal"
    staff_client.force_login(staff)
    staff_client.post(url, {"hidden": "0", "reason": "Text edited."})
    report.refresh_from_db()
    assert not report.is_hidden


# --- Filing on behalf -----------------------------------------------------------------


def new_report_data(cat, **overrides):
    data = {
        "channel": Channel.PHONE,
        "name": "Piet Bellers",
        "email": "piet@example.org",
        "phone": "030 123 4567",
        "category": cat.pk,
        "title": "Streetlight out",
        "description": "The lamp at the corner has been out for a week.",
        "address": "Kerkstraat 1",
        "lat": str(CENTRE[0]),
        "lon": str(CENTRE[1]),
    }
    data.update(overrides)
    return data


def test_file_on_behalf_of_a_caller(as_role, city, category):
    client, staff = as_role("staff")
    response = client.post(reverse("backoffice:file_on_behalf"), new_report_data(category))
    report = Report.objects.get(title="Streetlight out")
    assert response["Location"] == reverse("backoffice:detail", args=[report.pk])
    assert report.channel == Channel.PHONE
    assert report.filed_by == staff and report.reporter is None
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Piet Bellers",
        "piet@example.org",
        "030 123 4567",
    )
    assert report.district == city
    assert Subscription.objects.get(report=report).email == "piet@example.org"
    assert AuditEntry.objects.filter(actor=staff, action="report.filed_on_behalf").exists()
    page = text_of(client.get(response["Location"]))
    assert "has been filed" in page and "Phone" in page and staff.public_name in page


def test_file_on_behalf_for_another_department_returns_to_the_queue(as_role, city, parks_category):
    client, _user = as_role("staff")
    data = new_report_data(parks_category, email="", phone="")
    response = client.post(reverse("backoffice:file_on_behalf"), data)
    assert response["Location"] == reverse("backoffice:queue")
    report = Report.objects.get(title="Streetlight out")
    assert report.department == parks_category.department
    assert not Subscription.objects.filter(report=report).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lat": "52.5", "lon": "5.0"}, "outside the city"),
        ({"lat": "north"}, "Enter the latitude as a number"),
        ({"name": ""}, "Enter the citizen&#x27;s name."),
        ({"channel": "web"}, "Select a valid choice"),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"category": ""}, "Choose a category."),
    ],
)
def test_file_on_behalf_bad_input(as_role, city, category, overrides, message):
    client, _user = as_role("staff")
    response = client.post(
        reverse("backoffice:file_on_behalf"), new_report_data(category, **overrides)
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert not Report.objects.exists()


# --- Accountability -----------------------------------------------------------------


@pytest.fixture
def dataset(department, other_department, category):
    """A small history whose figures are worked out by hand in the tests."""
    now = timezone.now()
    light = CategoryFactory(department=department, name="Streetlight", service_code="light")
    bench = CategoryFactory(department=other_department, name="Bench", service_code="bench")
    hours = dt.timedelta(hours=1)

    def make(cat, days_ago, status, ack=None, resolved=None, sla=72, hidden=False):
        created = now - dt.timedelta(days=days_ago)
        r = ReportFactory(category=cat, status=status)
        Report.objects.filter(pk=r.pk).update(
            created_at=created,
            acknowledged_at=created + ack * hours if ack is not None else None,
            resolved_at=created + resolved * hours if resolved is not None else None,
            due_at=created + sla * hours,
            is_hidden=hidden,
        )

    # Pothole (Public Works)
    make(category, 10, Status.RESOLVED, ack=2, resolved=48)  # within target
    make(category, 9, Status.RESOLVED, ack=4, resolved=96)  # late
    make(category, 8, Status.IN_PROGRESS, ack=6)  # open
    make(category, 7, Status.SUBMITTED)  # open, not acknowledged
    make(category, 6, Status.CLOSED, ack=1, resolved=10)  # closed within target
    make(category, 5, Status.DUPLICATE, ack=1, resolved=1)  # not counted
    make(category, 4, Status.RESOLVED, ack=1, resolved=2, hidden=True)  # not counted
    make(category, 100, Status.RESOLVED, ack=200, resolved=400)  # older than 90 days
    # Streetlight (Public Works)
    make(light, 5, Status.RESOLVED, ack=0.5, resolved=12, sla=24)
    # Bench (Parks and Green)
    make(bench, 3, Status.SUBMITTED)
    return now


def test_performance_figures_by_hand(dataset):
    figures = {d.total.department: d for d in views_staff.performance_figures(30)}
    works = figures["Public Works"]
    pothole, light = works.categories
    assert (pothole.category, pothole.reports, pothole.open) == ("Pothole", 5, 2)
    assert pothole.median_hours_to_acknowledge == 3.0  # of 1, 2, 4, 6
    assert pothole.median_hours_to_resolve == 72.0  # of 48, 96 (closed without action: no)
    assert pothole.share_within_sla == 0.667  # 2 of 3 closed
    assert (light.reports, light.open, light.share_within_sla) == (1, 0, 1.0)
    assert light.median_hours_to_acknowledge == 0.5
    assert works.total.reports == 6 and works.total.open == 2
    assert works.total.median_hours_to_acknowledge == 2.0  # of 0.5, 1, 2, 4, 6
    assert works.total.median_hours_to_resolve == 48.0  # of 12, 48, 96
    assert works.total.share_within_sla == 0.75  # 3 of 4 closed
    parks = figures["Parks and Green"]
    assert (parks.total.reports, parks.total.open, parks.total.share_within_sla) == (1, 1, None)
    # The old report is in the year's figures.
    year = {d.total.department: d for d in views_staff.performance_figures(365)}
    assert year["Public Works"].categories[0].reports == 6


def test_category_rows_agree_with_the_performance_selector(dataset):
    from wegov.reports import selectors

    rows = selectors.performance(days=90)
    grouped = selectors.performance_by_department(days=90)
    assert [row for d in grouped for row in d.categories] == rows


def test_accountability_page_in_words(client, dataset):
    response = client.get(reverse("backoffice:accountability"), {"days": "30"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Public Works" in page and "Parks and Green" in page
    pothole = page[page.index("Pothole") :].split("</tr>")[0]
    for cell in (">5<", ">2<", "3 hours", "3 days", "66.7%"):
        assert cell in pothole, cell
    light = page[page.index("Streetlight") :].split("</tr>")[0]
    for cell in ("less than an hour", "12 hours", "100%"):
        assert cell in light, cell
    total = page[page.index("Streetlight") :]
    total = total[total.index("All kinds of problem") :].split("</tr>")[0]
    for cell in (">6<", "2 hours", "2 days", "75%"):
        assert cell in total, cell


def test_accountability_csv(client, dataset):
    response = client.get(reverse("backoffice:accountability"), {"days": "30", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "wegov-accountability-30-days.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_key = {(r["department"], r["category"]): r for r in rows}
    pothole = by_key[("Public Works", "Pothole")]
    assert pothole == {
        "period_days": "30",
        "department": "Public Works",
        "category": "Pothole",
        "reports": "5",
        "open": "2",
        "median_hours_to_acknowledge": "3.0",
        "median_hours_to_resolve": "72.0",
        "share_within_sla": "0.667",
    }
    assert by_key[("Public Works", "")]["share_within_sla"] == "0.75"
    assert by_key[("Parks and Green", "")]["median_hours_to_resolve"] == ""
    assert len(rows) == 5  # 3 categories + 2 department totals


def test_csv_cells_never_start_a_formula(client, category):
    Organisation.objects.filter(pk=category.department_id).update(name="=HYPERLINK(1)")
    ReportFactory(category=category)
    response = client.get(reverse("backoffice:accountability"), {"format": "csv"})
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_accountability_is_cached_for_ten_minutes(
    client, dataset, category, django_assert_num_queries
):
    url = reverse("backoffice:accountability")
    with django_assert_num_queries(1):  # the selector is one query
        assert client.get(url).status_code == 200
    ReportFactory(category=category)
    with django_assert_num_queries(0):
        page = text_of(client.get(url))
    assert "Pothole" in page


def test_accountability_rejects_an_unknown_period(client):
    response = client.get(reverse("backoffice:accountability"), {"days": "7"})
    assert response.status_code == 400
    assert "Choose 30, 90 or 365 days." in text_of(response)


def test_accountability_without_reports(client):
    page = text_of(client.get(reverse("backoffice:accountability")))
    assert "No reports were made in this period." in page


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (None, ""),
        (0.2, "less than an hour"),
        (1, "1 hour"),
        (47.4, "47 hours"),
        (48, "2 days"),
        (84, "3.5 days"),
    ],
)
def test_hours_in_words(hours, words):
    assert views_staff.hours_in_words(hours) == words


# --- Navigation -------------------------------------------------------------------------


def test_header_links(as_role, client):
    page = text_of(client.get("/"))
    assert reverse("backoffice:accountability") in page
    assert reverse("core:staff_hub") not in page
    staff_client, _user = as_role("staff")
    page = text_of(staff_client.get("/"))
    assert reverse("core:staff_hub") in page
    assert reverse("backoffice:queue") in text_of(staff_client.get(reverse("core:staff_hub")))
