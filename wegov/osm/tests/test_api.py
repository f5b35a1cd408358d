import pytest

from .conftest import ADDRESS_14, BUILDING_12

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/geocoding/search"
REVERSE = "/api/v1/geocoding/reverse"


def test_search_and_reverse_with_the_local_index(client, imported, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(SEARCH, {"q": "kerkstraat 14, Lindenbrug"})
    assert response.status_code == 200
    body = response.json()
    assert body["geocoder"] == "osm"
    assert body["results"][0] == {
        "lat": 52.1553,
        "lon": 5.389,
        "label": "Kerkstraat 14",
        "kind": "address",
        "context": "3811 AB Lindenbrug",
        "distance_m": None,
        "source": "osm",
    }
    response = client.get(REVERSE, {"lat": ADDRESS_14[0], "lon": ADDRESS_14[1]})
    assert response.status_code == 200
    assert response.json()["result"]["label"] == "Kerkstraat 14"
    assert response.json()["warnings"] == []
    response = client.get(REVERSE, {"lat": BUILDING_12[0], "lon": BUILDING_12[1]})
    assert response.json()["result"]["label"] == "Kerkstraat 12"
    assert response.json()["warnings"] == [
        "This point is inside a building; is the problem on the street?"
    ]


def test_without_a_geocoder_the_answers_are_empty(client, db, settings):
    settings.WEGOV_GEOCODER_URL = ""
    body = client.get(SEARCH, {"q": "Kerkstraat 14"}).json()
    assert body == {"geocoder": "", "results": []}
    body = client.get(REVERSE, {"lat": "52.1", "lon": "5.3"}).json()
    assert body == {"geocoder": "", "result": None, "warnings": []}


@pytest.mark.parametrize(
    ("url", "params", "reason"),
    [
        (SEARCH, {}, "q must be"),
        (SEARCH, {"q": "x"}, "q must be"),
        (SEARCH, {"q": "y" * 201}, "q must be"),
        (SEARCH, {"q": "Kerkstraat", "limit": "0"}, "limit must be"),
        (SEARCH, {"q": "Kerkstraat", "limit": "many"}, "limit must be"),
        (REVERSE, {"lat": "52.1"}, "lon must be a number"),
        (REVERSE, {"lat": "north", "lon": "5"}, "lat must be a number"),
        (REVERSE, {"lat": "91", "lon": "5"}, "lat must lie between -90 and 90"),
        (REVERSE, {"lat": "52", "lon": "-181"}, "lon must lie between -180 and 180"),
        (REVERSE, {"lat": "nan", "lon": "5"}, "lat must lie between"),
        (REVERSE, {"lat": "inf", "lon": "5"}, "lat must lie between"),
    ],
)
def test_bad_input_is_a_400_with_a_reason(client, db, url, params, reason):
    response = client.get(url, params)
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_requests_are_rate_limited_per_address(client, db, settings):
    settings.WEGOV_GEOCODING_REQUESTS_PER_MINUTE = 3
    for _ in range(3):
        assert client.get(SEARCH, {"q": "Kerkstraat"}).status_code == 200
    response = client.get(REVERSE, {"lat": "52.1", "lon": "5.3"})
    assert response.status_code == 429
    assert "Too many" in response.json()["detail"]
    other = client.get(SEARCH, {"q": "Kerkstraat"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_openapi_documents_the_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"get"} <= set(paths[SEARCH]) and {"get"} <= set(paths[REVERSE])
    assert "400" in paths[SEARCH]["get"]["responses"]
