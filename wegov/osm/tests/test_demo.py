import random
import time

import pytest
from shapely.geometry import Point, shape

from wegov.core.management.commands.load_demo import DemoContext
from wegov.osm import demo as osm_demo
from wegov.osm import selectors
from wegov.osm.models import Address, CategoryFeatureRule, Feature, NoPlaceArea, Street
from wegov.places import demo as places_demo
from wegov.places.models import Area
from wegov.reports.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


class Quiet:
    def write(self, message):
        self.last = message


@pytest.fixture
def loaded(settings, tmp_path, department):
    settings.VAR_DIR = tmp_path
    context = DemoContext(rng=random.Random(2026), password="x", stdout=Quiet())
    places_demo.load(context)
    light = CategoryFactory(department=department, service_code="streetlight")
    started = time.monotonic()
    osm_demo.load(context)
    return {"seconds": time.monotonic() - started, "light": light, "context": context}


def test_demo_extract_is_believable_and_quick(loaded, tmp_path):
    assert loaded["seconds"] < 8
    assert (tmp_path / "demo" / "lindenbrug.osm").is_file()
    streets, addresses = Street.objects.count(), Address.objects.count()
    features = dict.fromkeys(["street_lamp", "bench", "waste_basket", "bus_stop", "playground"], 0)
    for kind in Feature.objects.values_list("kind", flat=True):
        features[kind] += 1
    assert 150 <= streets <= 600 and 2000 <= addresses <= 10000
    assert features["street_lamp"] > 1000 and features["bus_stop"] > 20
    assert features["bench"] > 100 and features["waste_basket"] > 150
    assert features["playground"] == 24  # 3 in each of 8 districts
    assert NoPlaceArea.objects.filter(kind="building").count() > 300
    # The streets the demo reports mention exist; accents/case do not matter.
    assert selectors.geocode("kerkstraat 1")[0].label == "Kerkstraat 1"
    assert selectors.geocode("Oude gracht")[0].label == "Oude Gracht"
    # The river runs through Rivierzijde.
    river = NoPlaceArea.objects.get(name="De Linde")
    districts = {d.slug: shape(d.geometry) for d in loaded["context"].shared["districts"]}
    river_shape = shape(river.geometry)
    city = shape(Area.objects.get(kind="city").geometry)
    in_city = river_shape.intersection(city).area
    assert river_shape.intersection(districts["rivierzijde"]).area > 0.6 * in_city
    centre = river_shape.representative_point()
    assert selectors.location_warnings(centre.y, centre.x) == ["This point is on water (De Linde)."]
    # Nothing is built on water.
    assert not any(river_shape.contains(Point(a.lon, a.lat)) for a in Address.objects.all()[:5000])
    # Every address sits in the city.
    assert all(city.contains(Point(a.lon, a.lat)) for a in Address.objects.all()[:5000])
    # The street-light category needs a street lamp nearby.
    rule = CategoryFeatureRule.objects.get(category=loaded["light"])
    assert (rule.feature_kind, rule.radius_m) == ("street_lamp", 50)


def test_the_extract_is_the_same_for_the_same_seed(settings, tmp_path, db):
    context = DemoContext(rng=random.Random(1), password="x", stdout=Quiet())
    places_demo.load(context)
    first = osm_demo.build(random.Random(7), context.shared["districts"])
    second = osm_demo.build(random.Random(7), context.shared["districts"])
    assert first.nodes == second.nodes and first.ways == second.ways
