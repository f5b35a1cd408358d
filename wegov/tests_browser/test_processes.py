"""Participatory processes in a browser: a citizen finds and reads a process; a
process manager creates one with phases and publishes it, with and without JavaScript."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import enable_totp
from wegov.accounts.tests.factories import OrganisationFactory
from wegov.places import services as places
from wegov.processes.models import PhaseKind, Process
from wegov.processes.tests.factories import ProcessFactory, TopicFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.37, 52.14], [5.41, 52.14], [5.41, 52.17], [5.37, 52.17], [5.37, 52.14]]],
}


@pytest.fixture
def westwijk(db):
    return places.area_save(kind="district", name="Westwijk", slug="westwijk", geometry=SQUARE)


@pytest.fixture
def manager_page(page, live_server, process_manager):
    enable_totp(process_manager)  # or every page sends them to set up a second factor
    log_in_session(page.context, live_server.url, process_manager)
    return page


def test_citizen_filters_the_list_and_opens_a_process(page, live_server, citizen, westwijk):
    green = TopicFactory(name="Green spaces", slug="green-spaces")
    ProcessFactory(
        title="Green Westwijk",
        slug="green-westwijk",
        scope="district",
        district=westwijk,
        topic=green,
        phase=PhaseKind.DEBATE,
        citizens_may_open_debates=True,
    )
    ProcessFactory(title="Car-free Marktplein", slug="car-free-marktplein")
    log_in_session(page.context, live_server.url, citizen)

    page.goto("/processes/")
    assert page.locator("h1").inner_text() == "Participatory processes"
    assert page.locator("#results").inner_text() == "2 processes"
    axe_check(page)

    page.select_option("#id_district", "westwijk")
    submit(page, "#process-filters")
    assert "district=westwijk" in page.url
    assert page.locator("#results").inner_text() == "1 process"
    assert page.get_by_role("link", name="Car-free Marktplein").count() == 0
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Green Westwijk").click()
    assert page.url.endswith("/processes/green-westwijk/")
    timeline = page.locator("#timeline")
    assert timeline.is_visible()
    items = timeline.locator(".govuk-task-list__item")
    assert items.count() == 3
    assert items.nth(0).locator(".govuk-tag").inner_text() == "Finished"
    assert items.nth(1).locator(".govuk-tag").inner_text() == "Now open"
    assert items.nth(1).get_attribute("aria-current") == "step"
    assert items.nth(2).locator(".govuk-tag").inner_text() == "Upcoming"
    now = page.locator("#what-you-can-do")
    assert "Take part in the debates" in now.inner_text()
    assert "Open a debate" in now.inner_text()
    axe_check(page)


def fill_phase(page, index: int, kind: str, starts: dt.date, ends: dt.date) -> None:
    page.select_option(f"#id_phases-{index}-kind", kind)
    page.fill(f"#id_phases-{index}-starts_on", starts.isoformat())
    page.fill(f"#id_phases-{index}-ends_on", ends.isoformat())


def test_manager_creates_a_process_with_two_phases_and_publishes_it(manager_page, westwijk):
    page = manager_page
    organisation = OrganisationFactory(name="Mobility and Traffic")
    TopicFactory(name="Mobility", slug="mobility")
    today = timezone.localdate()

    page.goto("/processes/manage/")
    assert page.locator("h1").inner_text() == "Manage processes"
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Create a process").first.click()
    axe_check(page)

    page.fill("#id_title", "Car-free Marktplein")
    page.fill("#id_slug", "car-free-marktplein")
    page.fill("#id_summary", "What should the square become?")
    page.fill("#id_description", "The square becomes car-free.\n\nTell us what comes instead.")
    page.get_by_role("radio", name="One district").check()
    page.select_option("#id_district", label="Westwijk")
    page.select_option("#id_topic", label="Mobility")
    page.select_option("#id_organisation", label="Mobility and Traffic")
    page.fill("#id_support_threshold", "25")
    submit(page, "#process-form")

    process = Process.objects.get()
    assert page.url.endswith(f"/processes/manage/{process.pk}/phases/")
    assert page.locator(".govuk-notification-banner--success").is_visible()
    axe_check(page)

    # A phase ending before it starts: the form says so and keeps what was typed.
    fill_phase(page, 0, "proposals", today, today - dt.timedelta(days=1))
    submit(page, "#phases")
    assert page.locator(".govuk-error-summary").is_visible()
    assert (
        "must end on or after the day it starts"
        in page.locator(".govuk-error-summary").inner_text()
    )
    axe_check(page)

    fill_phase(page, 0, "proposals", today - dt.timedelta(days=2), today + dt.timedelta(days=20))
    fill_phase(page, 1, "evaluation", today + dt.timedelta(days=21), today + dt.timedelta(days=40))
    submit(page, "#phases")
    assert page.url.endswith(f"/processes/manage/{process.pk}/")
    assert page.locator("table").get_by_text("Now open").is_visible()
    axe_check(page)

    submit(page, "#publish-form")
    assert (
        "“Car-free Marktplein” is published."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    process.refresh_from_db()
    assert process.is_published and process.district == westwijk
    assert organisation == process.organisation

    with page.expect_navigation():
        page.get_by_role("link", name="Open the public page").click()
    assert page.locator("h1").inner_text() == "Car-free Marktplein"
    assert page.locator("#timeline .govuk-task-list__item").count() == 2
    assert "Submit a proposal" in page.locator("#what-you-can-do").inner_text()
    axe_check(page)


def test_phases_and_publication_without_javascript(new_context, live_server, process_manager):
    process = ProcessFactory(phase="", is_published=False, title="Cycling plan")
    enable_totp(process_manager)
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, process_manager)
    page = context.new_page()
    today = timezone.localdate()

    page.goto(f"/processes/manage/{process.pk}/phases/")
    assert page.locator("fieldset").count() == 3  # three empty rows, no script needed
    fill_phase(page, 0, "information", today, today + dt.timedelta(days=5))
    fill_phase(page, 2, "debate", today + dt.timedelta(days=10), today + dt.timedelta(days=20))
    submit(page, "#phases")
    assert list(process.phases.values_list("kind", flat=True)) == ["information", "debate"]

    submit(page, "#publish-form")
    process.refresh_from_db()
    assert process.is_published

    page.goto("/processes/?status=active")
    assert page.get_by_role("link", name="Cycling plan").is_visible()
    page.select_option("#id_status", "past")
    submit(page, "#process-filters")
    assert page.locator("#results").inner_text() == "0 processes"
