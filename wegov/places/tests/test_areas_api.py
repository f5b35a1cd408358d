"""The boundaries as GeoJSON: GET /api/v1/places/areas and /places/areas.geojson."""

import json

import pytest
from django.urls import reverse

from wegov.places import services

AREAS_API = "/api/v1/places/areas"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [AREAS_API, "/places/areas.geojson"])
def test_areas_as_a_feature_collection_city_first(client, west, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "public, max-age=300"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    props = [f["properties"] for f in data["features"]]
    assert props == [
        {"name": "Lindenbrug", "slug": "lindenbrug", "kind": "city", "population": None},
        {"name": "Oost", "slug": "oost", "kind": "district", "population": None},
        {"name": "West", "slug": "west", "kind": "district", "population": None},
    ]
    assert data["features"][2]["geometry"]["type"] == "Polygon"
    assert data["features"][2]["id"] == "west"


@pytest.mark.django_db
def test_the_page_route_has_the_url_name_the_map_uses(client, west):
    assert reverse("places:areas_geojson") == "/places/areas.geojson"


@pytest.mark.django_db
def test_etag_gives_304_until_an_area_changes(client, west, django_assert_max_num_queries):
    first = client.get(AREAS_API)
    etag = first["ETag"]
    with django_assert_max_num_queries(1):
        again = client.get(AREAS_API, headers={"if-none-match": etag})
    assert again.status_code == 304
    services.area_save(
        kind="district",
        name="West",
        slug="west",
        geometry={
            "type": "Polygon",
            "coordinates": [
                [[5.37, 52.14], [5.385, 52.14], [5.385, 52.17], [5.37, 52.17], [5.37, 52.14]]
            ],
        },
        population=1200,
    )
    changed = client.get(AREAS_API, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    west = json.loads(changed.content)["features"][2]
    assert west["properties"]["population"] == 1200


@pytest.mark.django_db
def test_no_areas_is_an_empty_collection(client):
    data = client.get(AREAS_API).json()
    assert data == {"type": "FeatureCollection", "features": []}


@pytest.mark.django_db
def test_openapi_documents_the_places_endpoints(client):
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    assert "get" in paths["/api/v1/places/areas"]
    assert not paths["/api/v1/places/areas"]["get"].get("security")
    assert {"get", "post"} <= set(paths["/api/v1/places/areas-of-interest"])
    assert {"get", "delete"} <= set(paths["/api/v1/places/areas-of-interest/{area_id}"])
