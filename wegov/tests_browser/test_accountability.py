"""Results in a browser: the public list and a result's page (axe-core clean),
and staff updating a result's progress, with errors shown accessibly."""

import pytest

from conftest import enable_totp
from wegov.accountability import services
from wegov.accountability.models import Result
from wegov.accountability.tests.conftest import jpeg_with_gps
from wegov.accountability.tests.factories import MilestoneFactory, ResultFactory
from wegov.processes.models import PhaseKind
from wegov.processes.tests.factories import ProcessFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def result(city, department, staff):
    process = ProcessFactory(organisation=department, phase=PhaseKind.IMPLEMENTATION)
    result = ResultFactory(
        process=process,
        department=department,
        title="Benches along the canal",
        lat=52.1561,
        lon=5.3878,
    )
    services.result_update_status(
        actor=staff, result=result, status="in_progress", progress=40, note="Benches ordered."
    )
    MilestoneFactory(result=result, title="Contract awarded")
    services.photo_add(
        actor=staff, result=result, image=jpeg_with_gps(), alt_text="The first bench"
    )
    return result


def test_public_list_and_detail(page, result):
    page.goto("/results/")
    assert page.locator("h1").inner_text() == "What the city is doing"
    assert page.get_by_text("40% complete").first.is_visible()
    axe_check(page)
    page.select_option("#filter-status", "done")
    submit(page, "#result-filters")
    assert "0 results" in page.locator("#results-heading").inner_text()
    axe_check(page)
    page.goto("/results/")
    with page.expect_navigation():
        page.get_by_role("link", name="Benches along the canal").click()
    assert page.locator("h1").inner_text() == "Benches along the canal"
    assert page.locator("#milestones").get_by_text("Contract awarded").is_visible()
    assert page.get_by_alt_text("The first bench").is_visible()
    assert page.locator("#updates").get_by_text("Benches ordered.").is_visible()
    page.locator(".wegov-map.leaflet-container").wait_for()
    axe_check(page)


def test_staff_updates_progress(new_context, live_server, result, staff):
    enable_totp(staff)
    context = new_context()
    log_in_session(context, live_server.url, staff)
    page = context.new_page()
    page.goto(f"/results/{result.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Update this result").click()
    axe_check(page)
    # Cancelling without a reason: the error summary, accessible too.
    page.get_by_role("radio", name="Cancelled").check()
    submit(page, "#status-form")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Explain publicly why" in page.content()
    axe_check(page)
    page.get_by_role("radio", name="In progress").check()
    page.fill("#status-progress", "75")
    page.fill("#status-note", "The benches are in place; planting follows.")
    submit(page, "#status-form")
    result.refresh_from_db()
    assert (result.status, result.progress) == ("in_progress", 75)
    assert page.get_by_text("75% complete").first.is_visible()
    # A milestone reached.
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as reached today").click()
    assert result.milestones.get().is_reached
    page.goto(f"/results/{result.pk}/")
    assert page.locator("#updates").get_by_text("planting follows").is_visible()
    assert Result.objects.get(pk=result.pk).updates.count() == 2
