"""The administration of Lindenbrug and the people who use WeGov there."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from .models import Membership, Organisation, User
from .services import consent_record

DEPARTMENTS = [
    ("public-works", "Public Works and Roads", "publicworks"),
    ("parks", "Parks and Green Spaces", "parks"),
    ("mobility", "Mobility and Traffic", "mobility"),
    ("waste", "Waste and Street Cleaning", "waste"),
    ("social", "Social Affairs and Care", "social"),
    ("culture", "Culture, Sport and Events", "culture"),
    ("participation", "Citizen Participation Office", "participation"),
]
DISTRICT_OFFICES = ["binnenstad", "zuidveld", "noorderhaven"]

CITIZEN_NAMES = [
    "Anouk V.",
    "Bas de Wit",
    "Chiara R.",
    "Daan",
    "Elif Y.",
    "Femke Jansen",
    "Gert-Jan",
    "Hanna K.",
    "Ilias B.",
    "Joost",
    "Karin van Dijk",
    "Lars P.",
    "Maaike",
    "Noah S.",
    "Olga M.",
    "Pieter Bakker",
    "Rania E.",
    "Sem",
    "Tessa de Groot",
    "Umut A.",
    "Vera L.",
    "Wouter",
    "Xander K.",
    "Yasmin H.",
    "Zoë",
    "BikeLaneFan",
    "Groene Buurman",
    "Oma Truus",
    "Marco Bianchi",
    "Lena Fischer",
    "Sophie M.",
    "Thijs",
    "Ahmed R.",
    "Ingrid",
    "Jasper N.",
    "Kim T.",
    "Luuk",
    "Mila P.",
    "Nina O.",
    "Ruben",
]


def _person(demo, email, name, *, days_ago, **extra) -> User:
    user = User(
        email=email,
        display_name=name,
        date_joined=timezone.now() - dt.timedelta(days=days_ago),
        preferred_language=demo.rng.choice(["nl", "nl", "nl", "en", "de", "it"]),
        **extra,
    )
    # One hash for every demo account: hashing 60 times with Argon2 is slow.
    # (setdefault would evaluate make_password every time.)
    if "password_hash" not in demo.shared:
        demo.shared["password_hash"] = make_password(demo.password)
    user.password = demo.shared["password_hash"]
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    consent_record(user=user, purpose="privacy_notice")
    return user


def load(demo) -> None:
    rng = demo.rng
    districts = {d.slug: d for d in demo.shared.get("districts", [])}
    city = Organisation.objects.create(
        name="City of Lindenbrug",
        slug="lindenbrug",
        kind=Organisation.Kind.ADMINISTRATION,
        public_email="participation@lindenbrug.example",
        description="The municipal administration of Lindenbrug.",
    )
    departments = {}
    for slug, name, mailbox in DEPARTMENTS:
        departments[slug] = Organisation.objects.create(
            name=name,
            slug=slug,
            kind=Organisation.Kind.DEPARTMENT,
            parent=city,
            public_email=f"{mailbox}@lindenbrug.example",
        )
    for slug in DISTRICT_OFFICES:
        district = districts.get(slug)
        label = district.name if district else slug.title()
        departments[f"office-{slug}"] = Organisation.objects.create(
            name=f"District office {label}",
            slug=f"office-{slug}",
            kind=Organisation.Kind.DISTRICT_OFFICE,
            parent=city,
            district=district,
            public_email=f"office.{slug}@lindenbrug.example",
        )

    staff = []
    for slug, name, mailbox in DEPARTMENTS:
        for n, role in ((1, Membership.Role.MANAGER), (2, Membership.Role.STAFF)):
            email = f"staff.{mailbox}{'' if n == 1 else n}@lindenbrug.example"
            person = _person(demo, email, f"{name.split()[0]} team {n}", days_ago=400)
            Membership.objects.create(user=person, organisation=departments[slug], role=role)
            staff.append(person)
    for slug in DISTRICT_OFFICES:
        person = _person(demo, f"office.{slug}@lindenbrug.example", f"Office {slug}", days_ago=380)
        Membership.objects.create(user=person, organisation=departments[f"office-{slug}"])
        staff.append(person)

    _person(
        demo, "moderator@lindenbrug.example", "Moderation team", days_ago=420, is_moderator=True
    )
    _person(
        demo,
        "manager@lindenbrug.example",
        "Participation team",
        days_ago=420,
        is_process_manager=True,
    )
    _person(
        demo,
        "admin@lindenbrug.example",
        "Platform administrator",
        days_ago=450,
        is_superuser=True,
        is_staff=True,
    )

    citizens = [
        _person(
            demo,
            "citizen@lindenbrug.example",
            "Anouk V.",
            days_ago=300,
            verified_resident_since=timezone.now() - dt.timedelta(days=290),
        )
    ]
    for index, name in enumerate(CITIZEN_NAMES[1:], start=1):
        days = rng.randint(3, 700)
        verified = rng.random() < 0.6
        citizens.append(
            _person(
                demo,
                f"resident{index}@lindenbrug.example",
                name,
                days_ago=days,
                verified_resident_since=(
                    timezone.now() - dt.timedelta(days=days - 1) if verified else None
                ),
            )
        )
    demo.shared.update(departments=departments, staff=staff, citizens=citizens)
    demo.say(
        f"  {len(departments)} departments and offices, {len(staff)} staff, "
        f"{len(citizens)} citizens"
    )
