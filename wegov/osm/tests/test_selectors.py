import math
import random

import pytest

from wegov.osm import geo, selectors
from wegov.osm.models import CategoryFeatureRule, Feature
from wegov.reports.tests.factories import CategoryFactory

from .conftest import ADDRESS_14, BUILDING_12, KERKSTRAAT_LAT, LAMP, POND_CENTRE, RIVER_CENTRE

pytestmark = pytest.mark.django_db

M_LAT = 1 / geo.METRES_PER_DEGREE  # one metre north, in degrees


def m_lon(lat):
    return M_LAT / math.cos(math.radians(lat))


def test_equirectangular_distance_is_within_half_a_percent_of_haversine():
    rng = random.Random(5)
    for _ in range(2000):
        lat, lon = rng.uniform(35, 65), rng.uniform(-10, 30)
        lat2, lon2 = lat + rng.uniform(-0.08, 0.08), lon + rng.uniform(-0.12, 0.12)
        reference = geo.haversine_m(lat, lon, lat2, lon2)
        if reference < 1:
            continue
        assert geo.distance_m(lat, lon, lat2, lon2) == pytest.approx(reference, rel=0.005)


def test_normalise_ignores_case_accents_and_punctuation():
    assert geo.normalise("Ééndrachtstraat") == "eendrachtstraat"
    assert geo.normalise("  Sint-Jorisplein, ") == "sint jorisplein"
    assert geo.normalise("Große Straße") == "grosse strasse"
    assert geo.normalise_housenumber("12 A") == "12a"


def test_reverse_gives_the_nearest_address_within_75_metres(imported):
    lat, lon = ADDRESS_14
    found = selectors.reverse(lat + 10 * M_LAT, lon)
    assert (found.label, found.kind, found.context) == (
        "Kerkstraat 14",
        "address",
        "3811 AB Lindenbrug",
    )
    assert found.distance_m == pytest.approx(10, abs=0.2)
    # The building's address (its centroid) when that is nearer.
    found = selectors.reverse(BUILDING_12[0], BUILDING_12[1] + 20 * m_lon(BUILDING_12[0]))
    assert found.label == "Kerkstraat 12"


def test_reverse_falls_back_to_the_street_within_150_metres(imported):
    lat = KERKSTRAAT_LAT - 100 * M_LAT  # 100 m south of Kerkstraat, no address within 75 m
    found = selectors.reverse(lat, 5.3935)
    assert (found.label, found.kind) == ("near Kerkstraat", "street")
    assert found.distance_m == pytest.approx(100, rel=0.01)
    assert found.lat == pytest.approx(KERKSTRAAT_LAT) and found.lon == pytest.approx(5.3935)
    # Past the end of the street: distance to its end node.
    found = selectors.reverse(KERKSTRAAT_LAT, 5.395 + 120 * m_lon(KERKSTRAAT_LAT))
    assert found.label == "near Kerkstraat" and found.distance_m == pytest.approx(120, rel=0.01)


def test_reverse_finds_nothing_far_from_everything(imported):
    assert selectors.reverse(KERKSTRAAT_LAT - 160 * M_LAT, 5.3935) is None
    assert selectors.reverse(KERKSTRAAT_LAT, 5.395 + 160 * m_lon(KERKSTRAAT_LAT)) is None


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("Kerkstraat 14", "Kerkstraat 14"),
        ("kerkstraat 14, Lindenbrug", "Kerkstraat 14"),
        ("KERKSTRAAT 14 Lindenbrug", "Kerkstraat 14"),
        ("Kerkstraat 14, 3811 AB Lindenbrug", "Kerkstraat 14"),
        ("14 Kerkstraat", "Kerkstraat 14"),
        ("kerkstr 12", "Kerkstraat 12"),
        ("eendrachtstraat 3 A", "Ééndrachtstraat 3a"),
        ("Ééndrachtstraat 3a", "Ééndrachtstraat 3a"),
    ],
)
def test_geocode_finds_addresses(imported, query, label):
    results = selectors.geocode(query)
    assert results[0].label == label and results[0].kind == "address"


def test_geocode_finds_streets_and_falls_back_from_an_unknown_number(imported):
    results = selectors.geocode("eendrachtstraat")
    assert [(r.label, r.kind) for r in results] == [("Ééndrachtstraat", "street")]
    assert results[0].lat == pytest.approx(52.16)
    results = selectors.geocode("Kerkstraat 99")
    assert [(r.label, r.kind) for r in results] == [("Kerkstraat", "street")]
    results = selectors.geocode("Kerkstraat 12")
    assert [r.label for r in results] == ["Kerkstraat 12", "Kerkstraat"]


@pytest.mark.parametrize("query", ["", "1", "Lindenbrug", "Nowhere Lane 4", "3811 AB", ",,,"])
def test_geocode_gives_nothing_for_no_match(imported, query):
    assert selectors.geocode(query) == []


def test_location_warnings(imported):
    assert selectors.location_warnings(*BUILDING_12) == [
        "This point is inside a building; is the problem on the street?"
    ]
    assert selectors.location_warnings(*POND_CENTRE) == ["This point is on water (Lindevijver)."]
    assert selectors.location_warnings(*RIVER_CENTRE) == ["This point is on water (De Linde)."]
    # On the street, next to the building: nothing odd.
    assert selectors.location_warnings(KERKSTRAAT_LAT, 5.388) == []
    # Inside the pond's bounding box but outside a polygon's exact shape: the
    # building's box is tiny; just beside it there is no warning.
    assert selectors.location_warnings(BUILDING_12[0] + 6 * M_LAT, BUILDING_12[1]) == []


@pytest.fixture
def streetlight(department):
    category = CategoryFactory(department=department, name="Street light out")
    CategoryFeatureRule.objects.create(category=category, feature_kind="street_lamp", radius_m=30)
    return category


def test_nearest_required_feature_near_and_not_near(imported, streetlight):
    lat, lon = LAMP
    check = selectors.nearest_required_feature(streetlight, lat + 20 * M_LAT, lon)
    assert check.is_near and check.feature.kind == "street_lamp"
    assert check.distance_m == pytest.approx(20, abs=0.2)
    assert check.message == (
        "The nearest street lamp (LB-00042, Kerkstraat 14) is 20 m from this point."
    )
    check = selectors.nearest_required_feature(streetlight, lat + 40 * M_LAT, lon)
    assert not check.is_near and check.feature is None
    assert check.message == (
        "There is no street lamp on the map within 30 m of this point. Is this the right place?"
    )


def test_no_rule_or_no_such_features_in_the_index_means_no_check(imported, streetlight, department):
    other = CategoryFactory(department=department)
    assert selectors.nearest_required_feature(other, *LAMP) is None
    Feature.objects.filter(kind="street_lamp").delete()
    assert selectors.nearest_required_feature(streetlight, *LAMP) is None


def test_nothing_imported_means_no_answers(db):
    assert not selectors.is_imported()
    assert selectors.reverse(*ADDRESS_14) is None
    assert selectors.geocode("Kerkstraat 14") == []
    assert selectors.location_warnings(*BUILDING_12) == []
