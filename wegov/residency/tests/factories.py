import datetime as dt

import factory
from django.utils import timezone

from wegov.accounts.models import Organisation
from wegov.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from wegov.places import services as places_services
from wegov.residency import hashing
from wegov.residency.models import CensusEntry, CensusList, CodeBatch, CodeLetter, Residence

# A square inside the root conftest's city (which the "centrum" district covers).
NORTH_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.37, 52.16], [5.41, 52.16], [5.41, 52.17], [5.37, 52.17], [5.37, 52.16]]],
}


def make_district(slug: str = "noord", name: str = "Noord"):
    return places_services.area_save(kind="district", name=name, slug=slug, geometry=NORTH_SQUARE)


def registry_officer():
    """Staff of civil affairs (WEGOV_RESIDENCY_OFFICES' default)."""
    office = Organisation.objects.filter(slug="civil-affairs").first() or OrganisationFactory(
        name="Civil Affairs", slug="civil-affairs"
    )
    return MembershipFactory(organisation=office).user


def district_office_staff(district):
    office = OrganisationFactory(
        name=f"Office {district.name}",
        slug=f"office-{district.slug}",
        kind=Organisation.Kind.DISTRICT_OFFICE,
        district=district,
    )
    return MembershipFactory(organisation=office).user


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    user = factory.SubFactory(UserFactory)
    method = "in_person"
    verified_at = factory.LazyFunction(timezone.now)


class CensusListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CensusList

    name = factory.Sequence(lambda n: f"Census {n}")


def census_entry(census_list, district, identifier="AB123456", birth=dt.date(1980, 2, 29)):
    return CensusEntry.objects.create(
        census_list=census_list,
        identifier_hash=hashing.census_hash(identifier, birth),
        district=district,
    )


def code_letter(district, code="ABCD-EFGH-JKMN", *, expires_on=None):
    batch = CodeBatch.objects.create(
        district=district,
        size=1,
        expires_on=expires_on or timezone.localdate() + dt.timedelta(days=30),
    )
    return CodeLetter.objects.create(batch=batch, code_hash=hashing.code_hash(code))


def make_resident(district=None, **kwargs):
    """A user with a current verified residence: in ``district``, else in the
    first district there is (a new one if there is none)."""
    from wegov.places.models import District

    user = UserFactory(verified_resident_since=timezone.now(), **kwargs)
    if district is None:
        district = District.objects.order_by("pk").first() or make_district()
    ResidenceFactory(user=user, district=district)
    return user
