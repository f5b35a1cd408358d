"""Filing base-map flags and recording what became of them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wegov.basemap import services
from wegov.basemap.models import BaseMapFlag, Kind, OsmType, Status
from wegov.core.models import AuditEntry

from .factories import CENTRE, FlagFactory

pytestmark = pytest.mark.django_db


def new(**kw):
    data = {
        "kind": Kind.MISSING,
        "description": "The bench by the pond is not on the map.",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    data.update(kw)
    return services.NewFlag(**data)


def test_a_citizen_files_a_flag_in_a_district(city, citizen):
    flag = services.flag_create(actor=citizen, data=new(osm_reference="way/4242"))
    assert flag.reporter == citizen
    assert flag.district.slug == "centrum"
    assert (flag.osm_type, flag.osm_id) == (OsmType.WAY, 4242)
    assert flag.status == Status.OPEN
    assert flag.get_absolute_url() == f"/basemap/{flag.pk}/"


def test_outside_the_city_is_refused(city, citizen):
    with pytest.raises(ValidationError) as exc:
        services.flag_create(actor=citizen, data=new(lat=52.5, lon=5.0))
    assert "outside the city" in str(exc.value)
    assert not BaseMapFlag.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "graffiti"},
        {"description": "   "},
        {"description": "x" * 2001},
        {"lat": 95.0},
        {"lon": None},
        {"osm_reference": "street 12"},
        {"osm_reference": "way/0"},
        {"osm_reference": "way/99999999999999999999"},
    ],
)
def test_bad_input_is_refused_with_a_reason(city, citizen, changes):
    with pytest.raises(ValidationError) as exc:
        services.flag_create(actor=citizen, data=new(**changes))
    assert exc.value.message_dict
    assert not BaseMapFlag.objects.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("", None)),
        ("node/1", ("node", 1)),
        ("Way 123", ("way", 123)),
        ("r77", ("relation", 77)),
        ("https://www.openstreetmap.org/way/123456#map=19/52.1/5.3", ("way", 123456)),
        ("http://openstreetmap.org/node/9/", ("node", 9)),
    ],
)
def test_osm_references(text, expected):
    assert services.parse_osm_reference(text) == expected


def test_anonymous_and_blocked_people_cannot_file(city, citizen):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.flag_create(actor=AnonymousUser(), data=new())
    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    with pytest.raises(PermissionDenied):
        services.flag_create(actor=citizen, data=new())


@pytest.mark.parametrize("role", ["staff", "other_staff", "moderator", "admin_user"])
def test_mappers_change_the_status_audited(request, role):
    mapper = request.getfixturevalue(role)
    flag = FlagFactory()
    services.flag_change_status(actor=mapper, flag=flag, status=Status.SENT, notes="Note 123")
    flag.refresh_from_db()
    assert (flag.status, flag.staff_notes, flag.status_changed_by) == (
        Status.SENT,
        "Note 123",
        mapper,
    )
    assert flag.status_changed_at is not None
    entry = AuditEntry.objects.get(action="basemap.flag_status_changed")
    assert entry.actor == mapper
    assert entry.before == {"status": "open", "notes": ""}
    assert entry.after == {"status": "sent", "notes": "Note 123"}


@pytest.mark.parametrize("role", ["citizen", "other_citizen", "process_manager"])
def test_others_cannot_change_the_status(request, role):
    flag = FlagFactory(reporter=request.getfixturevalue("citizen"))
    with pytest.raises(PermissionDenied):
        services.flag_change_status(
            actor=request.getfixturevalue(role), flag=flag, status=Status.FIXED
        )
    flag.refresh_from_db()
    assert flag.status == Status.OPEN
    assert not AuditEntry.objects.exists()


def test_unknown_or_unchanged_status_is_refused(staff):
    flag = FlagFactory()
    with pytest.raises(ValidationError):
        services.flag_change_status(actor=staff, flag=flag, status="deleted")
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.flag_change_status(actor=staff, flag=flag, status=Status.OPEN)


def test_database_constraints():
    from django.db import IntegrityError, transaction

    for bad in (
        {"lat": 100},
        {"osm_type": "way"},
        {"osm_type": "", "osm_id": 5},
        {"osm_type": "street", "osm_id": 5},
        {"status": "sent"},  # without a date
        {"kind": "graffiti"},
        {"description": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            FlagFactory(**bad)
