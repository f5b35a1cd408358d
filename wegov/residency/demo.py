"""Residences of the demo city.

* A civil-affairs department (WEGOV_RESIDENCY_OFFICES' default) with
  staff.civilaffairs@lindenbrug.example, who runs census lists, code letters
  and the desk for every district.
* Every verified demo citizen gets a residence in a district (citizen@ and a
  third of the others live in Oosterpark, whose budget is voting), verified
  by census, code letter or at a district office.
* An active city-wide census list; besides the demo citizens' (used) entries
  it has the TEST_PEOPLE below, unused, for testers to verify with.
* A batch of code letters for Zuidveld whose codes are printed (and, being
  made from a fixed seed, are the same on every load: see docs/residency.md).
"""

import datetime as dt
import random

from django.utils import timezone

from wegov.accounts.demo import _person
from wegov.accounts.models import Membership, Organisation

from . import hashing, services
from .models import CensusEntry, Method, Residence

# Plain test identities on the demo census list (identifier, birth date, district).
TEST_PEOPLE = [
    ("LB-100001", "1985-03-27", "zuidveld"),
    ("LB-100002", "1990-07-14", "noorderhaven"),
    ("LB-100003", "1972-11-02", "binnenstad"),
    ("LB-100004", "2001-01-31", "oosterpark"),
]
CODE_DISTRICT = "zuidveld"
CODE_COUNT = 5
SEED = 6006


def _civil_affairs(demo):
    city = Organisation.objects.filter(kind=Organisation.Kind.ADMINISTRATION).first()
    office = Organisation.objects.create(
        name="Civil Affairs",
        slug="civil-affairs",
        kind=Organisation.Kind.DEPARTMENT,
        parent=city,
        public_email="civilaffairs@lindenbrug.example",
        description="Population register, identity documents and residence verification.",
    )
    clerk = _person(
        demo, "staff.civilaffairs@lindenbrug.example", "Civil Affairs team", days_ago=400
    )
    Membership.objects.create(user=clerk, organisation=office)
    return clerk


def load(demo) -> None:
    districts = {d.slug: d for d in demo.shared.get("districts") or []}
    if not districts:
        return
    # Our own generator: the apps after us get the same demo.rng sequence as before.
    rng = random.Random(SEED)
    clerk = _civil_affairs(demo)
    offices = {
        m.organisation.district_id: m.user
        for m in Membership.objects.filter(
            organisation__kind=Organisation.Kind.DISTRICT_OFFICE
        ).select_related("organisation")
    }
    slugs = sorted(districts)
    census_list = services.census_list_import(
        actor=clerk,
        name="Census extract (demo)",
        data="identifier_hash,district_slug\n"
        + "".join(
            f"{hashing.census_hash(i, hashing.parse_iso_date(b))},{d}\n"
            for i, b, d in TEST_PEOPLE
            if d in districts
        ),
    )
    residences = 0
    for index, person in enumerate(demo.shared.get("citizens") or []):
        if person.verified_resident_since is None:
            continue
        # citizen@ and a third of the others live in Oosterpark, where the demo's
        # neighbourhood budget is voting now (budgeting/demo.py).
        home = "oosterpark" if "oosterpark" in districts else slugs[0]
        slug = home if index % 3 == 0 else rng.choice(slugs)
        district = districts[slug]
        method = rng.choice([Method.CENSUS, Method.CENSUS, Method.CODE_LETTER, Method.IN_PERSON])
        verified_by = None
        if method == Method.IN_PERSON:
            verified_by = offices.get(district.pk, clerk)
        Residence.objects.create(
            user=person,
            district=district,
            method=method,
            verified_at=person.verified_resident_since,
            verified_by=verified_by,
        )
        if method == Method.CENSUS:
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 50 * 365))
            CensusEntry.objects.create(
                census_list=census_list,
                identifier_hash=hashing.census_hash(f"DEMO{person.pk:06d}", birth),
                district=district,
                claimed_by=person,
                claimed_at=person.verified_resident_since,
            )
            census_list.entry_count += 1
        residences += 1
    census_list.save(update_fields=["entry_count"])

    batch, codes = services.code_batch_create(
        actor=clerk,
        district=districts.get(CODE_DISTRICT) or districts[slugs[0]],
        size=CODE_COUNT,
        expires_on=timezone.localdate() + dt.timedelta(days=365),
        label="Demo letters",
        rng=rng,
    )
    demo.shared.update(residency_codes=codes, residency_code_batch=batch)
    demo.say(
        f"  {residences} verified residences; census list with {census_list.entry_count} entries"
    )
    demo.say(
        "  Residence verification for testers (/me/residence/): census details "
        + "; ".join(f"{i} born {b} ({d})" for i, b, d in TEST_PEOPLE)
    )
    demo.say(f"  Code letters for {batch.district.name}: " + ", ".join(codes))
