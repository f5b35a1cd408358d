"""Flagging a base-map problem in a browser: without JavaScript (typed
coordinates) and with the map picker; the mappers' list; axe-core clean."""

import pytest

from conftest import enable_totp
from wegov.basemap.models import BaseMapFlag, Kind
from wegov.basemap.tests.factories import FlagFactory

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser


def test_flag_without_javascript_typing_coordinates(new_context, live_server, city, citizen):
    context = new_context(java_script_enabled=False)
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/basemap/new/")
    assert not page.locator("#basemap-map").is_visible()
    # (axe-core needs JavaScript: the same pages are checked in the tests below.)
    # An empty form comes back with the reasons.
    submit(page, "#basemap-flag-form")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Choose what is wrong." in page.content()
    page.get_by_label("Wrong name (a street, a square, a park…)").check()
    page.fill("#flag-description", "The sign says Molenstraat, the map says Molenweg.")
    page.fill("#flag-lat", "52.1561")
    page.fill("#flag-lon", "5.3878")
    page.fill("#flag-osm_reference", "way/123")
    submit(page, "#basemap-flag-form")
    flag = BaseMapFlag.objects.get()
    assert page.url.endswith(f"/basemap/{flag.pk}/")
    assert flag.kind == Kind.WRONG_NAME and flag.reporter == citizen
    assert (flag.lat, flag.lon, flag.osm_id) == (52.1561, 5.3878, 123)
    assert page.locator("#flag-description").inner_text().startswith("The sign says")
    page.goto("/basemap/mine/")
    assert page.get_by_role("link", name=f"#{flag.pk} Wrong name").is_visible()


def test_flag_with_a_map_click(new_context, live_server, city, citizen, staff):
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/basemap/new/")
    page.locator("#basemap-map.leaflet-container").wait_for()
    axe_check(page)
    submit(page, "#basemap-flag-form")  # empty: the reasons, accessible too
    assert page.locator(".govuk-error-summary").is_visible()
    page.locator("#basemap-map.leaflet-container").wait_for()
    axe_check(page)
    page.locator("#basemap-map").click()
    assert page.input_value("#flag-lat") != "" and page.input_value("#flag-lon") != ""
    assert page.locator("#basemap-map .leaflet-marker-icon").count() == 1
    page.get_by_label("Closed or blocked path").check()
    page.fill("#flag-description", "The path along the canal is fenced off.")
    submit(page, "#basemap-flag-form")
    flag = BaseMapFlag.objects.get()
    assert page.url.endswith(f"/basemap/{flag.pk}/")
    assert flag.kind == Kind.BLOCKED and flag.district.slug == "centrum"
    page.locator(".wegov-map.leaflet-container").wait_for()
    axe_check(page)
    page.goto("/basemap/mine/")
    assert page.get_by_role("link", name=f"#{flag.pk} Closed or blocked path").is_visible()
    axe_check(page)


def test_mappers_list_and_flag_page(new_context, live_server, city, citizen, staff):
    flag = FlagFactory(reporter=citizen, description="Missing bench by the pond")
    enable_totp(staff)  # staff must have a second factor, or pages send them to set one up
    context = new_context()
    log_in_session(context, live_server.url, staff)
    page = context.new_page()
    page.goto("/basemap/")
    assert page.locator("h1").inner_text() == "Base-map problems"
    assert page.get_by_role("link", name=f"#{flag.pk}").is_visible()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name=f"#{flag.pk}").click()
    page.get_by_label("Sent to OpenStreetMap (note or challenge)").check()
    page.fill("#status-notes", "Note 4711")
    submit(page, "#flag-status")
    flag.refresh_from_db()
    assert flag.status == "sent"
    assert page.locator(".govuk-notification-banner--success").is_visible()
    page.locator(".wegov-map.leaflet-container").wait_for()
    axe_check(page)
