"""Open data in a browser: anyone lists the datasets and downloads a file; a
member of staff regenerates the files from the staff page."""

import csv
import io
from pathlib import Path

import pytest

from conftest import enable_totp
from wegov.opendata import services
from wegov.reports.tests.factories import CategoryFactory, ReportFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def reports(city, department, citizen):
    category = CategoryFactory(department=department, name="Pothole", service_code="pothole")
    ReportFactory(category=category, title="Deep pothole on Kerkstraat", reporter=citizen)
    ReportFactory(category=category, title="Another pothole", reporter=citizen, is_anonymous=True)


def test_anyone_lists_and_downloads_the_open_data(new_context, reports, citizen):
    services.export_all()
    page = new_context(accept_downloads=True).new_page()
    page.goto("/")
    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name="Open data").click()
    assert page.locator("h1").inner_text() == "Open data"
    section = page.locator("#dataset-reports")
    assert section.locator("[data-rows]").inner_text() == "2"
    assert "Creative Commons Attribution 4.0" in page.locator("#licence").inner_text()
    axe_check(page)
    page.get_by_text("Fields of Problem reports").click()  # a <details>, also without JS
    assert section.get_by_text("location_precision").is_visible()
    axe_check(page)
    with page.expect_download() as info:
        section.get_by_role("link", name="Download Problem reports as CSV").click()
    download = info.value
    assert download.suggested_filename == "reports.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["title"] for r in rows} == {"Deep pothole on Kerkstraat", "Another pothole"}
    assert citizen.email not in text and citizen.display_name not in text


def test_staff_regenerates_the_files(new_context, live_server, reports, staff):
    enable_totp(staff)
    context = new_context()
    log_in_session(context, live_server.url, staff)
    page = context.new_page()
    page.goto("/opendata/manage/")
    assert page.locator("#export-reports td").first.inner_text() == "never"
    axe_check(page)
    page.select_option("#id_dataset", "reports")
    submit(page, "#regenerate-form")
    assert "Regeneration of “Problem reports” has started." in page.locator("main").inner_text()
    assert page.locator("#export-reports td").nth(1).inner_text() == "2"
    axe_check(page)
    page.goto("/opendata/")
    assert page.locator("#dataset-reports [data-rows]").inner_text() == "2"
    assert page.locator("#dataset-debates [data-not-generated]").is_visible()
