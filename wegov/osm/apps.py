from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OsmConfig(AppConfig):
    name = "wegov.osm"
    label = "osm"
    verbose_name = _("OpenStreetMap index")
