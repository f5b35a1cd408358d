from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapviewConfig(AppConfig):
    name = "wegov.mapview"
    label = "mapview"
    verbose_name = _("Map")
