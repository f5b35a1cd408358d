"""The citizen report form with the OSM index: find an address, warnings about the
place, snapping to a required feature, the nearest address filled in."""

import re

import pytest
from django.urls import reverse

from wegov.osm.models import CategoryFeatureRule
from wegov.reports.models import Report
from wegov.reports.tests.factories import CategoryFactory

from .conftest import ADDRESS_14, BUILDING_12, KERKSTRAAT_LAT, LAMP, POND_CENTRE

pytestmark = pytest.mark.django_db

NEW = reverse("reports:new")
M_LAT = 1 / 111_195


@pytest.fixture
def category(department):
    return CategoryFactory(department=department, name="Pothole", service_code="pothole")


@pytest.fixture
def streetlight(department):
    category = CategoryFactory(
        department=department, name="Street light out", service_code="streetlight"
    )
    CategoryFeatureRule.objects.create(category=category, feature_kind="street_lamp", radius_m=30)
    return category


def form_data(category, **overrides):
    data = {
        "lat": str(KERKSTRAAT_LAT),
        "lon": "5.3880",
        "address": "",
        "category": category.service_code,
        "title": "Hole in the road",
        "description": "A deep hole.",
        "action": "check",
    }
    data.update(overrides)
    return data


def hidden(html, name):
    match = re.search(rf'type="hidden" name="{name}" value="([^"]*)"', html)
    return match and match.group(1)


def test_without_an_index_there_is_no_find_button_and_no_checks(client, city, category, db):
    html = client.get(NEW).content.decode()
    assert "Find address" not in html and "coordinates are needed" in html
    data = form_data(category, lat=str(BUILDING_12[0]), lon=str(BUILDING_12[1]))
    html = client.post(NEW, data).content.decode()
    assert "Tell us more" in html


def test_find_address_fills_in_the_coordinates(client, city, category, imported):
    html = client.get(NEW).content.decode()
    assert 'value="find"' in html and "Find address" in html
    data = form_data(category, lat="", lon="", address="kerkstraat 14, Lindenbrug", action="find")
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Found: Kerkstraat 14 3811 AB Lindenbrug" in html
    assert f'value="{ADDRESS_14[0]:.6f}"' in html and f'value="{ADDRESS_14[1]:.6f}"' in html
    assert "govuk-error-summary" not in html


def test_find_address_typed_coordinates_are_replaced(client, city, category, imported):
    data = form_data(category, lat="52.15", lon="5.38", address="Ééndrachtstraat 3a", action="find")
    html = client.post(NEW, data).content.decode()
    assert "Found: Ééndrachtstraat 3a" in html and 'value="52.160300"' in html


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("Nowhere Lane 4", "We could not find this address."),
        ("", "Type an address to find, like Kerkstraat 12."),
    ],
)
def test_find_address_not_found(client, city, category, imported, address, message):
    data = form_data(category, lat="", lon="", address=address, action="find", title="")
    html = client.post(NEW, data).content.decode()
    assert message in html and "govuk-error-summary" in html
    assert "Give the problem a short title." not in html  # only the address is checked


def test_continue_with_an_address_and_no_coordinates_geocodes_it(client, city, category, imported):
    data = form_data(category, lat="", lon="", address="Kerkstraat 14")
    html = client.post(NEW, data).content.decode()
    assert "Tell us more" in html
    assert hidden(html, "lat") == f"{ADDRESS_14[0]:.6f}"
    assert hidden(html, "lon") == f"{ADDRESS_14[1]:.6f}"
    data = form_data(category, lat="", lon="", address="Nowhere Lane 4")
    html = client.post(NEW, data).content.decode()
    assert "We could not find this address." in html
    assert "Choose the place on the map, or enter its latitude." in html


def test_a_point_in_a_building_is_confirmed_then_saved_with_its_address(
    client, city, category, imported
):
    data = form_data(category, lat=str(BUILDING_12[0]), lon=str(BUILDING_12[1]))
    html = client.post(NEW, data).content.decode()
    assert "Check the place" in html
    assert "This point is inside a building; is the problem on the street?" in html
    assert "Continue anyway" in html and "Move the point" in html
    assert hidden(html, "place_confirmed") == "True"
    assert hidden(html, "title") == "Hole in the road"
    # "Move the point" goes back to the first step, unconfirmed.
    html = client.post(NEW, {**data, "place_confirmed": "True", "action": "edit"}).content.decode()
    assert "Where is the problem, and what is it?" in html and "place_confirmed" not in html
    # "Continue anyway": the details, then the report, with the nearest address.
    html = client.post(NEW, {**data, "place_confirmed": "True"}).content.decode()
    assert "Tell us more" in html and hidden(html, "place_confirmed") == "True"
    response = client.post(
        NEW, {**data, "place_confirmed": "True", "action": "submit", "email": "a@example.org"}
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.address == "Kerkstraat 12"
    assert (report.lat, report.lon) == BUILDING_12


def test_a_typed_address_is_kept(client, city, category, imported):
    data = form_data(category, address="In front of the bakery", action="submit", email="a@x.org")
    client.post(NEW, data)
    assert Report.objects.get().address == "In front of the bakery"


def test_no_address_and_far_from_everything_stays_empty(client, city, category, imported):
    data = form_data(category, lat="52.1420", lon="5.4050", action="submit", email="a@x.org")
    client.post(NEW, data)
    assert Report.objects.get().address == ""


def test_a_point_near_a_street_gets_near_street(client, city, category, imported):
    lat = KERKSTRAAT_LAT - 100 * M_LAT
    data = form_data(category, lat=f"{lat:.6f}", lon="5.3935", action="submit", email="a@x.org")
    client.post(NEW, data)
    assert Report.objects.get().address == "near Kerkstraat"


def test_a_point_on_water_is_warned(client, city, category, imported):
    data = form_data(category, lat=str(POND_CENTRE[0]), lon=str(POND_CENTRE[1]))
    html = client.post(NEW, data).content.decode()
    assert "This point is on water (Lindevijver)." in html
    assert not Report.objects.exists()


def test_no_street_lamp_near_is_a_warning(client, city, streetlight, imported):
    data = form_data(streetlight, lat=f"{LAMP[0] + 60 * M_LAT:.6f}", lon=str(LAMP[1]))
    html = client.post(NEW, data).content.decode()
    assert "There is no street lamp on the map within 30 m of this point." in html
    assert 'name="snap"' not in html


def test_snapping_to_the_street_lamp_moves_the_point(client, city, streetlight, imported):
    data = form_data(streetlight, lat=f"{LAMP[0] + 15 * M_LAT:.6f}", lon=str(LAMP[1]))
    html = client.post(NEW, data).content.decode()
    assert "Check the place" in html
    assert "Is the problem at the street lamp?" in html
    assert "Use the street lamp at LB-00042, Kerkstraat 14, 15 m from your point" in html
    snap = re.search(r'name="snap" type="radio" value="(feature:\d+)" checked', html).group(1)
    html = client.post(NEW, {**data, "place_confirmed": "True", "snap": snap}).content.decode()
    assert "Tell us more" in html
    assert hidden(html, "lat") == f"{LAMP[0]:.6f}" and hidden(html, "lon") == f"{LAMP[1]:.6f}"
    # Keeping the point keeps it.
    html = client.post(NEW, {**data, "place_confirmed": "True", "snap": "keep"}).content.decode()
    assert hidden(html, "lat") == data["lat"]
    # A made-up feature id changes nothing.
    html = client.post(
        NEW, {**data, "place_confirmed": "True", "snap": "feature:99999"}
    ).content.decode()
    assert hidden(html, "lat") == data["lat"]


def test_standing_at_the_lamp_needs_no_question(client, city, streetlight, imported):
    data = form_data(streetlight, lat=str(LAMP[0]), lon=str(LAMP[1]))
    html = client.post(NEW, data).content.decode()
    assert "Tell us more" in html


def test_outside_the_city_is_still_refused(client, city, category, imported):
    data = form_data(category, lat="52.5", lon="5.0")
    html = client.post(NEW, data).content.decode()
    assert "This place is outside the city" in html


def test_a_failing_nominatim_never_breaks_the_form(client, city, category, settings, monkeypatch):
    from wegov.places import geocoding

    settings.WEGOV_GEOCODER_URL = "https://geocoder.example"

    def timeout(request, timeout=None):
        raise TimeoutError("timed out")

    monkeypatch.setattr(geocoding, "urlopen", timeout)
    html = client.get(NEW).content.decode()
    assert "Find address" in html
    data = form_data(category, lat="", lon="", address="Kerkstraat 14", action="find")
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert "We could not find this address." in response.content.decode()
    response = client.post(NEW, form_data(category, action="submit", email="a@example.org"))
    assert response.status_code == 302
    assert Report.objects.get().address == ""
    api = client.get("/api/v1/geocoding/search", {"q": "Kerkstraat 14"})
    assert api.status_code == 200 and api.json() == {"geocoder": "nominatim", "results": []}


def test_nominatim_fills_the_address(client, city, category, settings, monkeypatch):
    import io
    import json

    from wegov.places import geocoding

    settings.WEGOV_GEOCODER_URL = "https://geocoder.example"
    answer = {
        "lat": "52.1553",
        "lon": "5.389",
        "display_name": "14, Kerkstraat, Lindenbrug",
        "address": {"road": "Kerkstraat", "house_number": "14"},
    }
    monkeypatch.setattr(
        geocoding, "urlopen", lambda request, timeout=None: io.BytesIO(json.dumps(answer).encode())
    )
    client.post(NEW, form_data(category, action="submit", email="a@example.org"))
    assert Report.objects.get().address == "Kerkstraat 14"
