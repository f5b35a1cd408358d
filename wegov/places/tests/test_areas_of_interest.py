"""Areas of interest: the service's rules, the pages under /me/areas/ and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from conftest import ROLES
from wegov.accounts.tests.factories import UserFactory
from wegov.places import services
from wegov.places.models import AreaOfInterest

pytestmark = pytest.mark.django_db

API = "/api/v1/places/areas-of-interest"


# --- Service and model -------------------------------------------------------------------


def test_a_circle_stores_its_bounding_box(citizen, west, make_area):
    area = make_area(citizen, circle=(52.155, 5.38, 1000))
    assert area.kind == "circle"
    assert area.min_lat < 52.155 - 0.0089 < area.max_lat
    assert area.max_lat > 52.155 + 0.0089
    assert area.min_lon < 5.38 - 0.0146 and area.max_lon > 5.38 + 0.0146
    assert list(area.districts.all()) == []


def test_districts_are_stored_without_circle(citizen, west, east, make_area):
    area = make_area(citizen, districts=[west, east, west])
    assert area.kind == "districts"
    assert sorted(d.slug for d in area.districts.all()) == ["oost", "west"]
    assert area.center_lat is None and area.min_lat is None


@pytest.mark.parametrize(
    ("circle", "field", "message"),
    [
        ((52.155, 5.38, 49), "radius_m", "between 50 and 20000"),
        ((52.155, 5.38, 20001), "radius_m", "between 50 and 20000"),
        ((52.155, 5.38, None), "radius_m", "Give the radius"),
        ((53.5, 5.38, 500), "center", "outside the city"),
        ((None, 5.38, 500), "center", "Choose the centre"),
        ((95.0, 5.38, 500), "center", "not a valid location"),
    ],
)
def test_bad_circles_are_refused(citizen, west, make_area, circle, field, message):
    with pytest.raises(ValidationError) as caught:
        make_area(citizen, circle=circle)
    assert message in " ".join(caught.value.message_dict[field])
    assert not AreaOfInterest.objects.exists()


def test_districts_needed_and_only_districts(citizen, west, make_area):
    with pytest.raises(ValidationError, match="at least one district"):
        make_area(citizen, districts=[])
    from wegov.places.models import Area

    city = Area.objects.get(kind="city")
    with pytest.raises(ValidationError, match="districts of the city"):
        make_area(citizen, districts=[city])


def test_name_is_needed(citizen, west, make_area):
    with pytest.raises(ValidationError, match="Give the area a name"):
        make_area(citizen, name="   ", districts=[west])


def test_per_user_limit(citizen, other_citizen, west, make_area, settings):
    settings.WEGOV_AREAS_OF_INTEREST_MAX = 2
    make_area(citizen, districts=[west])
    make_area(citizen, districts=[west])
    with pytest.raises(ValidationError, match="at most 2 areas"):
        make_area(citizen, districts=[west])
    make_area(other_citizen, districts=[west])  # everyone has their own limit
    assert AreaOfInterest.objects.filter(user=citizen).count() == 2


def test_only_the_owner_changes_or_deletes(citizen, other_citizen, west, east, make_area):
    area = make_area(citizen, districts=[west])
    data = services.AreaOfInterestData(name="Taken", kind="districts", districts=[east])
    with pytest.raises(Http404):
        services.area_of_interest_update(actor=other_citizen, area=area, data=data)
    with pytest.raises(Http404):
        services.area_of_interest_delete(actor=other_citizen, area=area)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.area_of_interest_delete(actor=AnonymousUser(), area=area)
    assert AreaOfInterest.objects.get().name == "Mine"


def test_changing_a_circle_into_districts_clears_the_circle(citizen, west, make_area):
    area = make_area(citizen, circle=(52.155, 5.38, 500))
    data = services.AreaOfInterestData(name="Now West", kind="districts", districts=[west])
    services.area_of_interest_update(actor=citizen, area=area, data=data)
    area.refresh_from_db()
    assert (area.kind, area.center_lat, area.radius_m, area.min_lat) == (
        "districts",
        None,
        None,
        None,
    )
    assert [d.slug for d in area.districts.all()] == ["west"]


def test_database_refuses_half_circles_and_wild_radii(citizen):
    base = {"user": citizen, "name": "x", "min_lat": 1, "min_lon": 1, "max_lat": 2, "max_lon": 2}
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaOfInterest.objects.create(kind="circle", center_lat=52, center_lon=5, **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaOfInterest.objects.create(
            kind="circle", center_lat=52, center_lon=5, radius_m=30_000, **base
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaOfInterest.objects.create(kind="districts", radius_m=500, user=citizen, name="y")


# --- Pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_pages_permission_matrix(as_role, role, citizen, west, make_area):
    area = make_area(citizen, name="Citizen's corner", districts=[west])
    client, user = as_role(role)
    urls = [
        reverse("places:area_list"),
        reverse("places:area_create"),
        reverse("places:area_edit", args=[area.pk]),
        reverse("places:area_delete", args=[area.pk]),
    ]
    for url in urls:
        response = client.get(url)
        if user is None:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        elif user == citizen or ("/edit/" not in url and "/delete/" not in url):
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, (role, url)
    list_page = client.get(reverse("places:area_list"))
    if user == citizen:
        assert "Citizen&#x27;s corner" in list_page.content.decode()
    elif user is not None:
        assert "corner" not in list_page.content.decode()
    # Deleting someone else's: 404, and it stays.
    response = client.post(reverse("places:area_delete", args=[area.pk]))
    if user is None:
        assert response.status_code == 302
    elif user != citizen:
        assert response.status_code == 404
    assert AreaOfInterest.objects.filter(pk=area.pk).exists() == (user != citizen)


def test_create_by_picking_districts(client, citizen, west, east):
    client.force_login(citizen)
    response = client.post(
        reverse("places:area_create"),
        {
            "name": "Both sides",
            "kind": "districts",
            "districts": ["west", "oost"],
            "radius_m": "500",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Both sides" in page
    assert "Oost, West" in page
    assert "is saved" in page


def test_create_a_circle_from_typed_coordinates(client, citizen, west):
    client.force_login(citizen)
    response = client.post(
        reverse("places:area_create"),
        {
            "name": "Home",
            "kind": "circle",
            "center_lat": "52.155",
            "center_lon": "5.38",
            "radius_m": "300",
        },
    )
    assert response.status_code == 302
    area = AreaOfInterest.objects.get()
    assert (area.center_lat, area.center_lon, area.radius_m) == (52.155, 5.38, 300)
    assert (
        "Within 300 m of 52.155, 5.38" in client.get(reverse("places:area_list")).content.decode()
    )


def test_create_a_circle_centred_on_a_district(client, citizen, west):
    client.force_login(citizen)
    response = client.post(
        reverse("places:area_create"),
        {"name": "Middle of West", "kind": "circle", "center_district": "west", "radius_m": "800"},
    )
    assert response.status_code == 302
    area = AreaOfInterest.objects.get()
    assert 5.37 < area.center_lon < 5.39 and 52.14 < area.center_lat < 52.17


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "circle", "radius_m": "500"}, "Choose the centre: click the map"),
        ({"kind": "circle", "center_lat": "52.15", "radius_m": "500"}, "Enter both latitude"),
        (
            {"kind": "circle", "center_lat": "52.15", "center_lon": "5.38", "radius_m": "10"},
            "at least 50",
        ),
        (
            {"kind": "circle", "center_lat": "53.5", "center_lon": "5.38", "radius_m": "500"},
            "outside the city",
        ),
        ({"kind": "districts"}, "Choose at least one district"),
        ({"kind": "districts", "districts": ["nowhere"]}, "Select a valid choice"),
        ({}, "Choose a circle or districts"),
    ],
)
def test_form_errors_are_shown_not_500(client, citizen, west, data, message):
    client.force_login(citizen)
    response = client.post(reverse("places:area_create"), {"name": "Area", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not AreaOfInterest.objects.exists()


def test_edit_and_delete_own(client, citizen, west, east, make_area):
    area = make_area(citizen, districts=[west])
    client.force_login(citizen)
    page = client.get(reverse("places:area_edit", args=[area.pk])).content.decode()
    assert 'value="west" checked' in page
    response = client.post(
        reverse("places:area_edit", args=[area.pk]),
        {"name": "East now", "kind": "districts", "districts": ["oost"]},
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name == "East now"
    assert [d.slug for d in area.districts.all()] == ["oost"]
    response = client.post(reverse("places:area_delete", args=[area.pk]))
    assert response.status_code == 302
    assert not AreaOfInterest.objects.exists()


def test_list_page_query_count(
    client, citizen, west, east, make_area, django_assert_max_num_queries
):
    for index in range(6):
        make_area(citizen, name=f"D{index}", districts=[west, east])
        make_area(citizen, name=f"C{index}", circle=(52.155, 5.38, 300 + index))
    client.force_login(citizen)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("places:area_list"))
    assert response.content.decode().count("Oost, West") == 6


def test_limit_reached_hides_the_add_button(client, citizen, west, make_area, settings):
    settings.WEGOV_AREAS_OF_INTEREST_MAX = 1
    make_area(citizen, districts=[west])
    client.force_login(citizen)
    page = client.get(reverse("places:area_list")).content.decode()
    assert "the most you can save" in page
    assert "Add an area of interest" not in page


# --- API ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(as_role, role, citizen, west, make_area):
    area = make_area(citizen, districts=[west])
    client, user = as_role(role)
    listed = client.get(API)
    one = client.get(f"{API}/{area.pk}")
    deleted = client.delete(f"{API}/{area.pk}")
    if user is None:
        assert (listed.status_code, one.status_code, deleted.status_code) == (401, 401, 401)
    elif user == citizen:
        assert listed.json()["count"] == 1
        assert one.json()["districts"] == ["west"]
        assert deleted.status_code == 204
    else:
        assert listed.json() == {"count": 0, "limit": 20, "items": []}
        assert (one.status_code, deleted.status_code) == (404, 404)
    assert AreaOfInterest.objects.filter(pk=area.pk).exists() == (user != citizen)


def test_api_create_circle_and_districts(client, citizen, west, east):
    client.force_login(citizen)
    response = client.post(
        API,
        {"name": "Home", "kind": "circle", "center": {"lat": 52.155, "lon": 5.38}, "radius_m": 400},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["center"] == {"lat": 52.155, "lon": 5.38}
    assert body["radius_m"] == 400 and body["districts"] == []
    response = client.post(
        API,
        {"name": "Sides", "kind": "districts", "districts": ["oost", "west"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["districts"] == ["oost", "west"]
    assert response.json()["center"] is None
    assert client.get(API).json()["count"] == 2


@pytest.mark.parametrize(
    ("payload", "status", "text"),
    [
        (
            {"name": "x", "kind": "districts", "districts": ["nowhere"]},
            400,
            "Unknown districts: nowhere",
        ),
        ({"name": "x", "kind": "districts"}, 400, "at least one district"),
        ({"name": "x", "kind": "circle", "radius_m": 500}, 400, "Choose the centre"),
        (
            {"name": "x", "kind": "circle", "center": {"lat": 53.5, "lon": 5.38}, "radius_m": 500},
            400,
            "outside the city",
        ),
        (
            {"name": "x", "kind": "circle", "center": {"lat": 52.15, "lon": 5.38}, "radius_m": 5},
            422,
            "",
        ),
        ({"name": "x", "kind": "square"}, 422, ""),
        ({"kind": "districts", "districts": ["west"]}, 422, ""),
    ],
)
def test_api_refuses_bad_areas_with_a_reason(client, citizen, west, payload, status, text):
    client.force_login(citizen)
    response = client.post(API, payload, content_type="application/json")
    assert response.status_code == status, response.content
    assert text in str(response.json()["detail"])
    assert not AreaOfInterest.objects.exists()


def test_api_list_query_count(
    client, citizen, west, east, make_area, django_assert_max_num_queries
):
    for index in range(5):
        make_area(citizen, name=f"D{index}", districts=[west, east])
    client.force_login(citizen)
    with django_assert_max_num_queries(6):
        response = client.get(API)
    assert response.json()["count"] == 5


def test_export_and_erasure(citizen, west, make_area):
    from wegov.places import personal_data

    make_area(citizen, name="Home", circle=(52.155, 5.38, 300))
    make_area(UserFactory(), districts=[west])
    exported = personal_data.export(citizen)["areas_of_interest"]
    assert exported[0]["center"] == {"lat": 52.155, "lon": 5.38}
    personal_data.erase(citizen)
    assert not AreaOfInterest.objects.filter(user=citizen).exists()
    assert AreaOfInterest.objects.count() == 1
