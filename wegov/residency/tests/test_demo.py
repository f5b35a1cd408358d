import datetime as dt
import io
import random

import pytest
from django.utils import timezone

from wegov.accounts.tests.factories import UserFactory
from wegov.core.management.commands.load_demo import DemoContext
from wegov.places import services as places_services
from wegov.residency import demo as residency_demo
from wegov.residency import selectors, services
from wegov.residency.models import CensusList, Residence

from .factories import NORTH_SQUARE

pytestmark = pytest.mark.django_db


def test_demo_residences_census_people_and_codes(django_capture_on_commit_callbacks):
    districts = [
        places_services.area_save(
            kind="district", name=name, slug=name.lower(), geometry=NORTH_SQUARE
        )
        for name in ("Oosterpark", "Zuidveld")
    ]
    now = timezone.now()
    citizens = [
        UserFactory(verified_resident_since=now),
        UserFactory(),
        UserFactory(verified_resident_since=now),
    ]
    out = io.StringIO()
    demo = DemoContext(
        rng=random.Random(1),
        password="x",
        stdout=out,
        shared={"districts": districts, "citizens": citizens},
    )
    residency_demo.load(demo)
    assert selectors.residence_district(citizens[0]).slug == "oosterpark"
    assert not Residence.objects.filter(user=citizens[1]).exists()
    assert selectors.is_resident_of(citizens[2], None)
    census_list = CensusList.objects.get(is_active=True)
    assert census_list.entry_count == census_list.entries.count()
    # A tester's census details from the printed list verify.
    tester = UserFactory()
    ident, birth, slug = residency_demo.TEST_PEOPLE[0]
    residence = services.census_verify(
        actor=tester, identifier=ident, birth_date=dt.date.fromisoformat(birth)
    )
    assert residence.district.slug == slug
    printed = out.getvalue()
    assert ident in printed
    codes = demo.shared["residency_codes"]
    assert len(codes) == residency_demo.CODE_COUNT and all(code in printed for code in codes)
    other = UserFactory()
    assert services.code_redeem(actor=other, code=codes[0]).district.slug == "zuidveld"


def test_demo_without_districts_does_nothing():
    demo = DemoContext(rng=random.Random(1), password="x", stdout=io.StringIO())
    residency_demo.load(demo)
    assert not CensusList.objects.exists()
