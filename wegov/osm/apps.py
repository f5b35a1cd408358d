from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OsmConfig(AppConfig):
    name = "wegov.osm"
    label = "osm"
    verbose_name = _("OpenStreetMap index")

    def ready(self):
        from wegov.core import quality

        from . import selectors

        def on_water_or_in_a_building(lat, lon):
            # Each warning the OSM index gives (water, inside a building) costs
            # location points, with the warning as the reason staff see.
            return [(10, warning) for warning in selectors.location_warnings(lat, lon)]

        quality.register_location_check(on_water_or_in_a_building)
