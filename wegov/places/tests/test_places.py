import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from wegov.places import selectors, services
from wegov.places.models import Area, District

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]],
}


@pytest.mark.django_db
def test_point_in_district_and_city():
    services.area_save(kind="city", name="Town", slug="town", geometry=SQUARE)
    services.area_save(
        kind="district",
        name="West",
        slug="west",
        geometry={
            "type": "Polygon",
            "coordinates": [[[5.0, 52.0], [5.05, 52.0], [5.05, 52.1], [5.0, 52.1], [5.0, 52.0]]],
        },
    )
    assert selectors.district_at(52.05, 5.02).slug == "west"
    assert selectors.district_at(52.05, 5.07) is None
    assert selectors.is_inside_city(52.05, 5.07)
    assert not selectors.is_inside_city(52.2, 5.07)


@pytest.mark.django_db
def test_invalid_geometry_is_refused_with_a_reason():
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
    }
    with pytest.raises(services.InvalidGeometry, match="Self-intersection"):
        services.area_save(kind="district", name="Bad", slug="bad", geometry=bowtie)
    with pytest.raises(services.InvalidGeometry, match="Polygon"):
        services.area_save(
            kind="district", name="P", slug="p", geometry={"type": "Point", "coordinates": [0, 0]}
        )
    with pytest.raises(services.InvalidGeometry):
        services.area_save(kind="district", name="X", slug="x", geometry={"nope": 1})
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_only_one_city_boundary():
    services.area_save(kind="city", name="Town", slug="town", geometry=SQUARE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(
            kind="city",
            name="Other",
            slug="other",
            geometry=SQUARE,
            min_lat=0,
            max_lat=1,
            min_lon=0,
            max_lon=1,
        )


@pytest.mark.django_db
def test_demo_city_loads_once(capsys):
    call_command("load_demo", "--if-empty")
    assert District.objects.count() == 8
    city = selectors.city_area()
    assert city.name == "Lindenbrug"
    # Every point of the city lies in exactly one district.
    for lat, lon in [(52.1561, 5.3878), (52.17, 5.40), (52.14, 5.37), (52.18, 5.36)]:
        assert selectors.is_inside_city(lat, lon)
        assert selectors.district_at(lat, lon) is not None
    from wegov.accounts.models import Organisation, User

    assert User.objects.filter(is_superuser=True).count() == 1
    assert Organisation.objects.filter(kind="department").count() >= 6
    assert User.objects.filter(memberships__isnull=False).distinct().count() >= 10
    call_command("load_demo", "--if-empty")
    assert "already loaded" in capsys.readouterr().out
    assert District.objects.count() == 8
