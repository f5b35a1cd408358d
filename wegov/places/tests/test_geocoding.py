"""The geocoding adapter: Nominatim when configured (urllib mocked), else the OSM index."""

import io
import json
from urllib.error import HTTPError, URLError

import pytest

from wegov.places import geocoding

pytestmark = pytest.mark.django_db

SEARCH_ANSWER = [
    {
        "lat": "52.1553",
        "lon": "5.3890",
        "display_name": "14, Kerkstraat, Binnenstad, Lindenbrug, 3811 AB, Nederland",
        "address": {
            "house_number": "14",
            "road": "Kerkstraat",
            "city": "Lindenbrug",
            "postcode": "3811 AB",
        },
    },
    {"lat": "52.16", "lon": "5.39", "display_name": "Kerkplein, Lindenbrug", "address": {}},
    {"lat": "not a number", "lon": "5.39", "display_name": "Broken"},
]
REVERSE_ANSWER = {
    "lat": "52.15505",
    "lon": "5.3900",
    "display_name": "Kerkstraat, Lindenbrug",
    "address": {"road": "Kerkstraat", "city": "Lindenbrug"},
}


class FakeOpener:
    """Stands in for urllib.request.urlopen: records requests, answers or fails."""

    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.requests = answer, error, []

    def __call__(self, request, timeout=None):
        self.requests.append((request, timeout))
        if self.error is not None:
            raise self.error
        return io.BytesIO(
            self.answer if isinstance(self.answer, bytes) else json.dumps(self.answer).encode()
        )


@pytest.fixture
def nominatim(settings, monkeypatch):
    settings.WEGOV_GEOCODER_URL = "https://geocoder.example/"
    settings.WEGOV_GEOCODER_TIMEOUT = 3
    settings.WEGOV_GEOCODER_USER_AGENT = ""

    def install(answer=None, error=None):
        opener = FakeOpener(answer, error)
        monkeypatch.setattr(geocoding, "urlopen", opener)
        return opener

    return install


def test_without_any_geocoder_nothing_is_found(settings):
    settings.WEGOV_GEOCODER_URL = ""
    assert geocoding.backend() == ""
    assert not geocoding.is_available()
    assert geocoding.geocode("Kerkstraat 14") == []
    assert geocoding.reverse(52.1553, 5.389) is None


def test_nominatim_search(nominatim, city):
    opener = nominatim(SEARCH_ANSWER)
    results = geocoding.geocode("  Kerkstraat   14 ")
    assert geocoding.backend() == "nominatim"
    assert [(r.label, r.kind, r.context) for r in results] == [
        ("Kerkstraat 14", "address", "3811 AB Lindenbrug"),
        ("Kerkplein", "place", ""),
    ]
    assert (results[0].lat, results[0].lon, results[0].source) == (52.1553, 5.389, "nominatim")
    request, timeout = opener.requests[0]
    assert timeout == 3
    assert request.full_url.startswith(
        "https://geocoder.example/search?format=jsonv2&q=Kerkstraat+14"
    )
    # Bounded to the city's box (the test city: 5.37..5.41, 52.14..52.17).
    assert "viewbox=5.37%2C52.17%2C5.41%2C52.14&bounded=1" in request.full_url
    assert request.get_header("User-agent") == "WeGov (participation@lindenbrug.example)"
    # A second search of the same text comes from the cache.
    assert geocoding.geocode("Kerkstraat 14") == results
    assert len(opener.requests) == 1


def test_nominatim_reverse(nominatim):
    opener = nominatim(REVERSE_ANSWER)
    found = geocoding.reverse(52.1553, 5.3900)
    assert (found.label, found.kind, found.context) == ("near Kerkstraat", "street", "Lindenbrug")
    assert found.distance_m == pytest.approx(27.8, abs=0.5)
    assert opener.requests[0][0].full_url == (
        "https://geocoder.example/reverse?format=jsonv2&lat=52.155300&lon=5.390000&addressdetails=1"
    )


def test_nominatim_reverse_with_a_house_number(nominatim):
    nominatim({**REVERSE_ANSWER, "address": {"road": "Kerkstraat", "house_number": "14"}})
    assert geocoding.reverse(52.1553, 5.39).label == "Kerkstraat 14"


@pytest.mark.parametrize(
    "error",
    [
        TimeoutError("timed out"),
        URLError("no route"),
        URLError(TimeoutError("timed out")),
        HTTPError("https://geocoder.example/search", 503, "busy", {}, None),
        ConnectionResetError(),
    ],
)
def test_nominatim_failures_give_no_result_and_are_not_cached(nominatim, error):
    opener = nominatim(error=error)
    assert geocoding.geocode("Kerkstraat 14") == []
    assert geocoding.reverse(52.1553, 5.39) is None
    assert geocoding.geocode("Kerkstraat 14") == []
    assert len(opener.requests) == 3


@pytest.mark.parametrize(
    "answer",
    [b"<html>not json</html>", b"\xff\xfe", {"error": "Unable to geocode"}, {"lat": "x"}, "text"],
)
def test_nominatim_nonsense_gives_no_result(nominatim, answer):
    nominatim(answer)
    assert geocoding.geocode("Kerkstraat 14") == []
    assert geocoding.reverse(52.1553, 5.39) is None


def test_bad_input_never_reaches_the_geocoder(nominatim):
    opener = nominatim(SEARCH_ANSWER)
    assert geocoding.geocode("") == []
    assert geocoding.geocode(" x ") == []
    assert geocoding.reverse(float("nan"), 5.0) is None
    assert geocoding.reverse(91, 5.0) is None
    assert opener.requests == []
    geocoding.geocode("y" * 5000)
    assert len(opener.requests[0][0].full_url) < 400  # the query is cut


def test_the_local_index_answers_when_nominatim_is_off(settings, tmp_path):
    from wegov.osm import services as osm_services
    from wegov.osm.tests.conftest import small_extract

    settings.WEGOV_GEOCODER_URL = ""
    assert geocoding.backend() == ""
    osm_services.osm_import(path=small_extract().save(tmp_path / "x.osm"))
    assert geocoding.backend() == "osm"
    assert geocoding.geocode("Kerkstraat 14")[0].label == "Kerkstraat 14"
    assert geocoding.reverse(52.1553, 5.3890).source == "osm"
