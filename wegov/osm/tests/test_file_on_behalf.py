"""Staff filing a report for a caller: the address the caller gives is looked up
in the OSM index, and a point without an address gets the nearest one."""

import pytest
from django.urls import reverse

from wegov.reports.models import Channel, Report
from wegov.reports.tests.factories import CategoryFactory

from .conftest import ADDRESS_14, BUILDING_12

pytestmark = pytest.mark.django_db

URL = reverse("backoffice:file_on_behalf")


@pytest.fixture
def category(department):
    return CategoryFactory(department=department, name="Pothole", service_code="pothole")


def caller(category, **overrides):
    data = {
        "channel": Channel.PHONE,
        "name": "Piet Bellers",
        "category": category.pk,
        "title": "Hole in the road",
        "description": "A deep hole, says the caller.",
        "address": "",
        "lat": "",
        "lon": "",
    }
    data.update(overrides)
    return data


def test_the_form_offers_find_address_only_with_an_index(as_role, city, category):
    client, _staff = as_role("staff")
    assert "Find address" not in client.get(URL).content.decode()


def test_find_address_puts_the_pin_there_and_keeps_what_was_typed(
    as_role, city, category, imported
):
    client, _staff = as_role("staff")
    assert 'value="find"' in client.get(URL).content.decode()
    data = caller(category, address="Kerkstraat 14", action="find", title="")
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Found: Kerkstraat 14" in html
    assert f'value="{ADDRESS_14[0]:.6f}"' in html and f'value="{ADDRESS_14[1]:.6f}"' in html
    assert "Piet Bellers" in html and "A deep hole, says the caller." in html
    assert "govuk-error-summary" not in html  # the missing title is checked on filing
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("Nowhere Lane 4", "We could not find this address."),
        ("", "Type an address to find, like Kerkstraat 12."),
    ],
)
def test_find_address_not_found(as_role, city, category, imported, address, message):
    client, _staff = as_role("staff")
    html = client.post(URL, caller(category, address=address, action="find")).content.decode()
    assert message in html and "govuk-error-summary" in html


def test_filing_with_only_an_address_geocodes_it(as_role, city, category, imported):
    client, _staff = as_role("staff")
    response = client.post(URL, caller(category, address="Kerkstraat 14"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert (round(report.lat, 6), round(report.lon, 6)) == ADDRESS_14
    assert report.address == "Kerkstraat 14"


def test_filing_with_an_unknown_address_and_no_point_is_refused(as_role, city, category, imported):
    client, _staff = as_role("staff")
    response = client.post(URL, caller(category, address="Nowhere Lane 4"))
    assert response.status_code == 400
    assert "We could not find this address." in response.content.decode()
    assert not Report.objects.exists()


def test_a_point_without_an_address_is_filed_with_the_nearest_one(
    as_role, city, category, imported
):
    client, _staff = as_role("staff")
    data = caller(category, lat=str(BUILDING_12[0]), lon=str(BUILDING_12[1]))
    assert client.post(URL, data).status_code == 302
    assert Report.objects.get().address == "Kerkstraat 12"
