"""/api/v1/basemap/flags: the mappers' list and filing a flag."""

import pytest

from conftest import ROLES, make_api_token
from wegov.basemap.models import BaseMapFlag

from .factories import CENTRE, FlagFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/basemap/flags"
MAPPERS = {"other_staff", "moderator", "admin_user"}


def bearer(user) -> dict:
    key = make_api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def body(**kw):
    data = {
        "kind": "blocked",
        "description": "The path under the railway is closed.",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    data.update(kw)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_list_is_for_mappers(request, client, role):
    FlagFactory(description="Listed flag")
    headers = {}
    if role != "anonymous":
        headers = bearer(request.getfixturevalue(role))
    response = client.get(URL, **headers)
    if role == "anonymous":
        assert response.status_code == 401
    elif role in MAPPERS:
        assert response.status_code == 200
        data = response.json()
        assert data["count"] == 1
        assert data["results"][0]["description"] == "Listed flag"
        assert "reporter" not in data["results"][0]
    else:
        assert response.status_code == 403


def test_list_filters_and_pages_with_bounded_queries(client, staff, django_assert_max_num_queries):
    FlagFactory.create_batch(55)
    FlagFactory(kind="wrong_name")
    headers = bearer(staff)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page": 2}, **headers)
    assert response.json()["count"] == 56 and len(response.json()["results"]) == 6
    only = client.get(URL, {"kind": "wrong_name"}, **headers).json()
    assert only["count"] == 1
    assert client.get(URL, {"status": "lost"}, **headers).status_code == 422
    assert client.get(URL, {"page": 9}, **headers).json()["results"] == []


def test_signed_in_people_file_flags(client, city, citizen):
    response = client.post(
        URL, body(osm_reference="node/5"), content_type="application/json", **bearer(citizen)
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["district"] == "Centrum" and data["osm_type"] == "node" and data["osm_id"] == 5
    assert data["status"] == "open"
    assert BaseMapFlag.objects.get().reporter == citizen


def test_filing_errors_say_why(client, city, citizen):
    headers = bearer(citizen)
    outside = client.post(URL, body(lat=52.5, lon=5.0), content_type="application/json", **headers)
    assert outside.status_code == 400
    assert "outside the city" in outside.json()["detail"]["location"][0]
    bad_ref = client.post(
        URL, body(osm_reference="street"), content_type="application/json", **headers
    )
    assert bad_ref.status_code == 400 and "osm_reference" in bad_ref.json()["detail"]
    bad_kind = client.post(URL, body(kind="graffiti"), content_type="application/json", **headers)
    assert bad_kind.status_code == 422
    anonymous = client.post(URL, body(), content_type="application/json")
    assert anonymous.status_code == 401
    assert not BaseMapFlag.objects.exists()


def test_blocked_people_cannot_file(client, city, citizen):
    from django.utils import timezone

    headers = bearer(citizen)
    citizen.blocked_at = timezone.now()
    citizen.save(update_fields=["blocked_at"])
    response = client.post(URL, body(), content_type="application/json", **headers)
    assert response.status_code in (401, 403)


def test_openapi_documents_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    operations = schema["paths"]["/api/v1/basemap/flags"]
    assert set(operations) == {"get", "post"}
    assert {"400", "401", "403"} <= set(operations["post"]["responses"])
