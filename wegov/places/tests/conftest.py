import pytest

from wegov.places import services
from wegov.places.models import AreaOfInterest

# Two districts side by side, each 0.02° wide, in a city around the demo centre.
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
def west(db):
    services.area_save(kind="city", name="Lindenbrug", slug="lindenbrug", geometry=CITY)
    services.area_save(kind="district", name="Oost", slug="oost", geometry=EAST)
    return services.area_save(kind="district", name="West", slug="west", geometry=WEST)


@pytest.fixture
def east(west):
    from wegov.places.models import District

    return District.objects.get(slug="oost")


@pytest.fixture
def make_area():
    """Save an area of interest for a user through the service."""

    def make(user, *, name="Mine", districts=None, circle=None):
        if circle is not None:
            lat, lon, radius = circle
            data = services.AreaOfInterestData(
                name=name,
                kind=AreaOfInterest.Kind.CIRCLE,
                center_lat=lat,
                center_lon=lon,
                radius_m=radius,
            )
        else:
            data = services.AreaOfInterestData(
                name=name, kind=AreaOfInterest.Kind.DISTRICTS, districts=list(districts)
            )
        return services.area_of_interest_create(actor=user, data=data)

    return make
