"""Open-data map layers in a browser: an administrator uploads a CSV layer and
sees it listed with its feature count; a malformed file is refused with the
line that is wrong. Every page axe-clean."""

import pytest

from conftest import enable_totp
from wegov.datalayers.models import DataLayer

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

GOOD_CSV = (
    b"stop_id;stop_name;stop_lat;stop_lon\nH1;Markt;52,1561;5,3878\nH2;Station;52,1602;5,3911\n"
)
BAD_CSV = b"name,lat,lon\nMarkt,52.1561,5.3878\nStation,52.16,five\n"


def upload(page, name: str, content: bytes) -> None:
    page.set_input_files(
        "#id_upload", files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )


@pytest.fixture
def admin_page(page, live_server, admin_user):
    enable_totp(admin_user)  # administrators must have a second factor
    log_in_session(page.context, live_server.url, admin_user)
    return page


def test_admin_uploads_a_csv_layer_and_a_malformed_one_is_refused(admin_page):
    page = admin_page
    page.goto("/layers/staff/")
    assert page.locator("h1").inner_text() == "Open-data map layers"
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Add a layer").click()
    assert page.locator("h1").inner_text() == "Add a map layer"
    axe_check(page)

    # A malformed file: refused with the line and what is wrong on it.
    page.fill("#id_name", "Bus stops")
    page.fill("#id_licence", "CC BY 4.0")
    page.fill("#id_attribution", "Gemeente Lindenbrug, CC BY 4.0")
    upload(page, "stops.csv", BAD_CSV)
    submit(page, "#layer-form")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Line 3: the longitude “five” is not a number." in summary
    assert not DataLayer.objects.exists()
    axe_check(page)

    # A good file (semicolons, decimal commas, named columns).
    upload(page, "stops.csv", GOOD_CSV)
    page.fill("#id_lat_column", "stop_lat")
    page.fill("#id_lon_column", "stop_lon")
    page.fill("#id_name_column", "stop_name")
    page.fill("#id_key_column", "stop_id")
    submit(page, "#layer-form")
    assert page.locator("h1").inner_text() == "Bus stops"
    assert "added with 2 features" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#feature-count").inner_text() == "2"
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("link", name="All map layers").click()
    row = page.locator("#layers tbody tr", has_text="Bus stops")
    assert row.locator("td").nth(2).inner_text() == "2"
    assert "OK" in row.inner_text()
    axe_check(page)

    # The public GeoJSON of the new layer.
    response = page.request.get("/layers/bus-stops.geojson")
    assert response.ok
    assert [f["properties"]["name"] for f in response.json()["features"]] == ["Markt", "Station"]
