"""The staff back office in a browser: the queue, a report's page and its actions,
filing on behalf of a citizen, and the public accountability page."""

import pytest

from conftest import enable_totp
from wegov.places import services as places
from wegov.reports.models import Report, ReportUpdate, Status, Subscription
from wegov.reports.tests.factories import CENTRE, CategoryFactory, ReportFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.37, 52.14], [5.41, 52.14], [5.41, 52.17], [5.37, 52.17], [5.37, 52.14]]],
}


@pytest.fixture
def city(db):
    places.area_save(kind="city", name="Lindenbrug", slug="lindenbrug", geometry=SQUARE)
    return places.area_save(kind="district", name="Centrum", slug="centrum", geometry=SQUARE)


@pytest.fixture
def reports(city, department, citizen):
    category = CategoryFactory(department=department, name="Pothole", service_code="pothole")
    first = ReportFactory(
        category=category,
        district=city,
        title="Hole in the Kerkstraat",
        reporter=citizen,
        reporter_email=citizen.email,
    )
    Subscription.objects.create(report=first, user=citizen)
    second = ReportFactory(category=category, district=city, title="Loose tile on the Markt")
    return first, second


@pytest.fixture
def staff_page(page, live_server, staff):
    enable_totp(staff)  # staff must have a second factor, or every page sends them to set one up
    log_in_session(page.context, live_server.url, staff)
    return page


def test_queue_status_change_and_internal_note(staff_page, reports, mailoutbox):
    page = staff_page
    first, _second = reports
    page.goto("/")
    page.locator("#navigation").get_by_role("link", name="Staff pages").click()
    assert page.locator("h1").inner_text() == "Staff pages"
    axe_check(page)
    page.locator("main").get_by_role("link", name="Staff queue").click()
    assert page.locator("h1").inner_text() == "Staff queue"
    assert page.locator("table").get_by_text(first.title).is_visible()
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("link", name=first.title).click()
    assert page.url.endswith(f"/staff/reports/{first.pk}/")
    assert page.locator("#reporter").get_by_text(first.reporter_email).is_visible()
    axe_check(page)

    page.select_option("#status-status", Status.ACKNOWLEDGED)
    page.fill("#status-text", "Thank you, a crew will look at it this week.")
    submit(page, "#change-status")
    assert (
        "The status is now “Acknowledged”."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    axe_check(page)
    first.refresh_from_db()
    assert first.status == Status.ACKNOWLEDGED

    page.check("#update-kind_0")  # internal note
    page.fill("#update-text", "Ring the neighbour's bell, the gate is locked.")
    submit(page, "#add-update")
    assert "internal note has been added" in page.locator(".govuk-notification-banner").inner_text()
    assert "the gate is locked" in page.locator("#history").inner_text()
    axe_check(page)
    assert ReportUpdate.objects.filter(report=first, kind=ReportUpdate.Kind.INTERNAL).exists()

    # A form with a mistake: 400, the error summary, still accessible.
    page.select_option("#status-status", Status.NOT_RESPONSIBLE)
    submit(page, "#change-status")
    assert "Say who is responsible instead." in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)

    # The internal note is not on the public page.
    page.goto(f"/reports/{first.pk}/")
    assert "Thank you, a crew will look at it this week." in page.locator("main").inner_text()
    page.context.clear_cookies()
    page.goto(f"/reports/{first.pk}/")
    assert "the gate is locked" not in page.locator("main").inner_text()


def test_bulk_change_without_javascript(new_context, live_server, staff, reports):
    enable_totp(staff)
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, staff)
    page = context.new_page()
    first, second = reports
    page.goto("/staff/reports/")
    page.check(f"#select-{first.pk}")
    page.check(f"#select-{second.pk}")
    page.select_option("#bulk-status", Status.IN_PROGRESS)
    submit(page, "form:has(#bulk-status)")
    changed = page.locator("#changed").inner_text()
    assert first.title in changed and second.title in changed
    # (axe-core needs JavaScript: the result page is checked in the next test.)
    assert set(Report.objects.values_list("status", flat=True)) == {Status.IN_PROGRESS}


def test_file_on_behalf_and_accountability_pages(staff_page, reports):
    page = staff_page
    _first, second = reports
    page.goto("/staff/reports/?order=oldest")
    page.check(f"#select-{second.pk}")
    page.select_option("#bulk-status", Status.RESOLVED)
    submit(page, "form:has(#bulk-status)")
    assert second.title in page.locator("#changed").inner_text()
    axe_check(page)
    page.goto("/staff/reports/?status=nonsense")  # a bad filter: 400 with the error
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)

    page.goto("/staff/reports/new/")
    axe_check(page)
    submit(page, "#file-on-behalf")
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)
    page.check("input[name=channel][value=phone]")
    page.fill("#new-name", "Piet Bellers")
    page.fill("#new-phone", "030 123 4567")
    page.select_option("#new-category", label="Pothole")
    page.fill("#new-title", "Streetlight out")
    page.fill("#new-description", "Out for a week.")
    page.fill("#new-lat", str(CENTRE[0]))
    page.fill("#new-lon", str(CENTRE[1]))
    submit(page, "#file-on-behalf")
    assert "has been filed" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#filed-by").is_visible()
    assert Report.objects.get(title="Streetlight out").channel == "phone"

    page.goto("/reports/accountability/")
    assert page.locator("table caption").first.inner_text() == "Public Works"
    axe_check(page)
    page.select_option("#id_days", "365")
    submit(page, "main form")
    assert "days=365" in page.url
    axe_check(page)
