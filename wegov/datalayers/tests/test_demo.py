import io
import random

from shapely.geometry import Point, shape

from wegov.core.management.commands.load_demo import DemoContext
from wegov.datalayers import demo as datalayers_demo
from wegov.datalayers import selectors
from wegov.datalayers.models import DataLayer
from wegov.places import demo as places_demo


def test_demo_layers_are_files_imported_through_the_service(admin_user, settings):
    context = DemoContext(rng=random.Random(2026), password="x", stdout=io.StringIO())
    places_demo.load(context)
    datalayers_demo.load(context)

    playgrounds = DataLayer.objects.get(slug="playgrounds")
    stops = DataLayer.objects.get(slug="bus-stops")
    assert 35 <= playgrounds.feature_count <= 45
    assert 100 <= stops.feature_count <= 130
    assert playgrounds.upload.name.endswith(".geojson") and stops.upload.name.endswith(".csv")
    assert playgrounds.attribution == "Gemeente Lindenbrug, CC BY 4.0"
    # The generated source files are on disk, under MEDIA_ROOT.
    folder = settings.MEDIA_ROOT / "datalayers" / "demo"
    assert sorted(p.name for p in folder.iterdir()) == ["bus-stops.csv", "playgrounds.geojson"]
    assert (folder / "bus-stops.csv").read_text().startswith("stop_id,stop_name,stop_lat,stop_lon")

    # Every point lies in the city; playgrounds each in some district.
    city = shape(context.shared["districts"][0].geometry)
    for district in context.shared["districts"][1:]:
        city = city.union(shape(district.geometry))
    for layer in (playgrounds, stops):
        for feature in layer.features.all():
            assert city.buffer(0.001).contains(Point(feature.lon, feature.lat)), feature
    centre = stops.features.get(key="HLT-CENTRAAL")
    assert (centre.name, centre.properties["lines"]) == ("Centraal", "1 2 3")
    assert [layer.slug for layer in selectors.public_layers()] == ["bus-stops", "playgrounds"]
