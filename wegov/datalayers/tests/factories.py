import factory

from wegov.datalayers.models import DataLayer, FeatureLink, LayerFeature

CENTRE = (52.1561, 5.3878)  # lat, lon: Lindenbrug's centre


class DataLayerFactory(factory.django.DjangoModelFactory):
    """A layer row as it is after a successful import (use services to import)."""

    class Meta:
        model = DataLayer

    name = factory.Sequence(lambda n: f"Benches {n}")
    slug = factory.Sequence(lambda n: f"benches-{n}")
    licence = "CC BY 4.0"
    attribution = "Gemeente Lindenbrug, CC BY 4.0"
    data_url = "https://data.example.org/benches.geojson"


class LayerFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LayerFeature

    layer = factory.SubFactory(DataLayerFactory)
    key = factory.Sequence(lambda n: f"f{n}")
    name = factory.Sequence(lambda n: f"Bench {n}")
    lat = CENTRE[0]
    lon = CENTRE[1]


class FeatureLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeatureLink

    contribution_kind = "report"
    contribution_id = 1
    feature = factory.SubFactory(LayerFeatureFactory)
