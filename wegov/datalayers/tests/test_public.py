"""The public reads: /layers/<slug>.geojson, /api/v1/layers/, the selectors for the map."""

import pytest
from django.urls import reverse

from wegov.datalayers import selectors

from .factories import DataLayerFactory, LayerFeatureFactory


@pytest.fixture
def playgrounds(db):
    layer = DataLayerFactory(
        name="Playgrounds",
        slug="playgrounds",
        attribution="Gemeente Lindenbrug, CC BY 4.0",
        feature_count=3,
    )
    LayerFeatureFactory(layer=layer, key="p1", name="Speeltuin Oost", lat=52.15, lon=5.38)
    LayerFeatureFactory(layer=layer, key="p2", name="Speeltuin West", lat=52.16, lon=5.39)
    LayerFeatureFactory(
        layer=layer, key="p3", name="Far", lat=52.30, lon=5.60, properties={"age": "2-12"}
    )
    return layer


@pytest.fixture
def hidden(db):
    layer = DataLayerFactory(name="Draft", slug="draft", is_public=False)
    LayerFeatureFactory(layer=layer, key="d1")
    return layer


def test_geojson_of_a_layer(client, playgrounds, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/layers/playgrounds.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["attribution"] == "Gemeente Lindenbrug, CC BY 4.0"
    assert data["truncated"] is False
    assert data["features"][0] == {
        "type": "Feature",
        "id": "p1",
        "geometry": {"type": "Point", "coordinates": [5.38, 52.15]},
        "properties": {"key": "p1", "name": "Speeltuin Oost"},
    }
    assert len(data["features"]) == 3


def test_geojson_bbox_and_limit(client, playgrounds, settings):
    url = reverse("datalayers:geojson", kwargs={"slug": "playgrounds"})
    data = client.get(url, {"bbox": "5.37,52.14,5.385,52.155"}).json()
    assert [f["id"] for f in data["features"]] == ["p1"]
    settings.WEGOV_DATALAYERS_GEOJSON_LIMIT = 2
    data = client.get(url).json()
    assert [f["id"] for f in data["features"]] == ["p1", "p2"] and data["truncated"] is True


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("1,2,3", "bbox must be four numbers"),
        ("a,b,c,d", "bbox must be four numbers"),
        ("5.4,52.1,5.3,52.2", "the minimum must not be larger"),
        ("5.3,95,5.4,96", "Latitudes must lie between"),
        ("nan,52,5.4,53", "bbox must be four numbers"),
    ],
)
def test_geojson_bad_bbox_is_400(client, playgrounds, bbox, message):
    response = client.get("/layers/playgrounds.geojson", {"bbox": bbox})
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_hidden_and_unknown_layers_are_404(client, hidden):
    assert client.get("/layers/draft.geojson").status_code == 404
    assert client.get("/layers/nope.geojson").status_code == 404


def test_selectors_for_the_map(playgrounds, hidden):
    layers = selectors.public_layers()
    assert [(x.slug, x.name, x.attribution, x.licence) for x in layers] == [
        ("playgrounds", "Playgrounds", "Gemeente Lindenbrug, CC BY 4.0", "CC BY 4.0")
    ]
    assert layers[0].geojson_url == "/layers/playgrounds.geojson"
    rows = selectors.features_in_bbox(playgrounds, (5.37, 52.14, 5.40, 52.17), 10)
    assert [(r.key, r.name, r.lat, r.lon) for r in rows] == [
        ("p1", "Speeltuin Oost", 52.15, 5.38),
        ("p2", "Speeltuin West", 52.16, 5.39),
    ]
    assert len(selectors.features_in_bbox(playgrounds, None, 1)) == 1


def test_api_lists_public_layers(client, playgrounds, hidden, django_assert_max_num_queries):
    DataLayerFactory(name="Bus stops", slug="bus-stops", feature_count=0)
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/layers/")
    assert response.status_code == 200
    data = response.json()
    assert [layer["slug"] for layer in data] == ["bus-stops", "playgrounds"]
    assert data[1] == {
        "slug": "playgrounds",
        "name": "Playgrounds",
        "description": "",
        "licence": "CC BY 4.0",
        "attribution": "Gemeente Lindenbrug, CC BY 4.0",
        "source_url": "",
        "feature_count": 3,
        "geojson_url": "http://testserver/layers/playgrounds.geojson",
        "updated": None,
    }


def test_api_features_in_a_bbox(client, playgrounds, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/layers/playgrounds/features", {"bbox": "5.5,52.2,5.7,52.4"})
    assert response.status_code == 200
    assert response.json() == {
        "layer": "playgrounds",
        "attribution": "Gemeente Lindenbrug, CC BY 4.0",
        "licence": "CC BY 4.0",
        "count": 1,
        "truncated": False,
        "features": [
            {"key": "p3", "name": "Far", "lat": 52.3, "lon": 5.6, "properties": {"age": "2-12"}}
        ],
    }
    limited = client.get("/api/v1/layers/playgrounds/features", {"limit": 2}).json()
    assert (limited["count"], limited["truncated"]) == (2, True)


def test_api_errors(client, playgrounds, hidden):
    response = client.get("/api/v1/layers/playgrounds/features", {"bbox": "1,2"})
    assert response.status_code == 400
    assert "bbox must be four numbers" in response.json()["detail"]
    assert client.get("/api/v1/layers/draft/features").status_code == 404
    assert client.get("/api/v1/layers/playgrounds/features", {"limit": 0}).status_code == 422


def test_openapi_documents_the_layer_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/layers/" in paths
    features = paths["/api/v1/layers/{slug}/features"]["get"]
    assert {p["name"] for p in features["parameters"]} >= {"slug", "bbox", "limit"}
