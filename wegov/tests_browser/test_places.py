"""Areas of interest in a browser: pick districts, see the area in the list."""

import pytest

from wegov.places import services as places
from wegov.places.models import AreaOfInterest

from .support import axe_check, log_in_session, submit

pytestmark = pytest.mark.browser

CITY = {
    "type": "Polygon",
    "coordinates": [[[5.37, 52.14], [5.41, 52.14], [5.41, 52.17], [5.37, 52.17], [5.37, 52.14]]],
}
WEST = {
    "type": "Polygon",
    "coordinates": [[[5.37, 52.14], [5.39, 52.14], [5.39, 52.17], [5.37, 52.17], [5.37, 52.14]]],
}
EAST = {
    "type": "Polygon",
    "coordinates": [[[5.39, 52.14], [5.41, 52.14], [5.41, 52.17], [5.39, 52.17], [5.39, 52.14]]],
}


@pytest.fixture
def districts(db):
    places.area_save(kind="city", name="Lindenbrug", slug="lindenbrug", geometry=CITY)
    places.area_save(kind="district", name="Westwijk", slug="westwijk", geometry=WEST)
    places.area_save(kind="district", name="Oosterpark", slug="oosterpark", geometry=EAST)


def test_citizen_saves_an_area_of_interest_by_picking_districts(
    new_context, live_server, citizen, districts
):
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()

    page.goto("/me/areas/")
    assert "You have no areas of interest yet." in page.content()
    axe_check(page)
    page.get_by_role("link", name="Add an area of interest").click()
    page.wait_for_url("**/me/areas/new/")
    # The map (JavaScript) draws the city's districts from places:areas_geojson.
    page.locator("#area-map .leaflet-interactive, #area-map path").first.wait_for(state="attached")
    axe_check(page)

    page.get_by_label("Name of the area").fill("Both sides of the river")
    page.get_by_label("Whole districts").check()
    page.get_by_label("Westwijk").check()
    page.get_by_label("Oosterpark").check()
    submit(page, "form:has(input[name=name])")

    page.wait_for_url("**/me/areas/")
    assert "is saved" in page.content()
    row = page.locator("tr", has_text="Both sides of the river")
    assert "Oosterpark, Westwijk" in row.inner_text()
    axe_check(page)
    area = AreaOfInterest.objects.get(user=citizen)
    assert sorted(d.slug for d in area.districts.all()) == ["oosterpark", "westwijk"]


def test_a_map_click_sets_the_circle_centre(new_context, live_server, citizen, districts):
    context = new_context()
    log_in_session(context, live_server.url, citizen)
    page = context.new_page()
    page.goto("/me/areas/new/")
    page.get_by_label("Name of the area").fill("Around home")
    page.locator("#area-map").click()
    assert page.get_by_label("Latitude of the centre").input_value() != ""
    assert page.get_by_label("A circle on the map").is_checked()
    page.get_by_label("Radius in metres").fill("300")
    submit(page, "form:has(input[name=name])")
    page.wait_for_url("**/me/areas/")
    area = AreaOfInterest.objects.get(user=citizen)
    assert area.kind == "circle" and area.radius_m == 300
    assert 52.14 < area.center_lat < 52.17 and 5.37 < area.center_lon < 5.41
