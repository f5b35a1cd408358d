"""A proposal placed on the map without an address gets the nearest one, as a
report does; a typed address is kept."""

import pytest

from wegov.processes.tests.factories import ProcessFactory
from wegov.proposals.forms import ProposalForm

from .conftest import BUILDING_12

pytestmark = pytest.mark.django_db


def service_data(**fields):
    process = ProcessFactory()
    form = ProposalForm(
        {"title": "Benches on the square", "body": "Somewhere to sit.", **fields},
        process=process,
    )
    assert form.is_valid(), form.errors
    return form.data_for_service()


def test_a_point_without_an_address_gets_the_nearest_one(city, imported):
    data = service_data(lat=str(BUILDING_12[0]), lon=str(BUILDING_12[1]), address="")
    assert data.address == "Kerkstraat 12"


def test_a_typed_address_is_kept(city, imported):
    data = service_data(lat=str(BUILDING_12[0]), lon=str(BUILDING_12[1]), address="By the church")
    assert data.address == "By the church"


def test_without_a_geocoder_the_address_stays_empty(city):
    data = service_data(lat=str(BUILDING_12[0]), lon=str(BUILDING_12[1]), address="")
    assert data.address == ""


def test_no_point_no_lookup(city, imported):
    assert service_data(address="").address == ""
