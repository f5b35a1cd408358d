"""Fixtures shared by the reports tests."""

import pytest

from wegov.places import services as places

# The demo city, simplified to a square around its centre (factories.CENTRE).
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.37, 52.14], [5.41, 52.14], [5.41, 52.17], [5.37, 52.17], [5.37, 52.14]]],
}


@pytest.fixture
def city(db):
    """The city boundary and one district (Centrum) covering all of it."""
    places.area_save(kind="city", name="Lindenbrug", slug="lindenbrug", geometry=SQUARE)
    return places.area_save(kind="district", name="Centrum", slug="centrum", geometry=SQUARE)
