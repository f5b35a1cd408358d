import factory

from wegov.accounts.tests.factories import UserFactory
from wegov.basemap.models import BaseMapFlag, Kind

# The demo city's centre (inside the root conftest's CITY_SQUARE).
CENTRE = (52.1561, 5.3878)


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BaseMapFlag

    kind = Kind.MISSING
    description = factory.Sequence(lambda n: f"A bench is missing by the pond ({n}).")
    lat = CENTRE[0]
    lon = CENTRE[1]
    reporter = factory.SubFactory(UserFactory)
