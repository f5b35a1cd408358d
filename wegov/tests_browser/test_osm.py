"""The report form with the OpenStreetMap index: find an address, a point inside a
building gets a warning, the citizen goes on anyway, the report gets the address."""

import pytest

from wegov.osm import services as osm_services
from wegov.osm.tests.conftest import BUILDING_12, small_extract
from wegov.reports.models import Report
from wegov.reports.tests.factories import CategoryFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def indexed(tmp_path, city):
    return osm_services.osm_import(path=small_extract().save(tmp_path / "small.osm"))


def test_point_inside_a_building_is_warned_then_reported_anyway(
    new_context, live_server, indexed, department, citizen
):
    CategoryFactory(department=department, name="Pothole", service_code="pothole")
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/reports/new/")
    page.locator("#report-map.leaflet-container").wait_for()
    axe_check(page)

    # Find address, without leaving the page.
    page.fill("#id_address", "kerkstraat 14")
    page.get_by_role("button", name="Find address").click()
    page.wait_for_function("() => document.getElementById('id_lat').value === '52.155300'")
    assert page.input_value("#id_lon") == "5.389000"
    page.locator("#geocode-live").get_by_text("Kerkstraat 14").first.wait_for()

    # Now a point inside the building at Kerkstraat 12; the page says so at once.
    page.fill("#id_address", "")
    page.fill("#id_lat", str(BUILDING_12[0]))
    page.fill("#id_lon", str(BUILDING_12[1]))
    page.locator("#id_lon").dispatch_event("change")
    page.locator("#geocode-live").get_by_text("inside a building").wait_for()
    page.select_option("#id_category", "pothole")
    page.fill("#id_title", "Broken paving by the door")
    page.fill("#id_description", "Tiles are loose in front of the house.")
    axe_check(page)

    with page.expect_navigation():
        page.locator("#id_title").press("Enter")  # Enter goes on, it does not "find"
    assert page.locator("h1").inner_text() == "Check the place"
    assert page.get_by_text(
        "This point is inside a building; is the problem on the street?"
    ).is_visible()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue anyway").click()
    assert page.locator("h1").inner_text() == "Tell us more"
    submit(page, "#report-details")

    report = Report.objects.get()
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert report.address == "Kerkstraat 12"
    assert (report.lat, report.lon) == BUILDING_12
    assert page.get_by_text("Kerkstraat 12").first.is_visible()
    assert not errors, errors
