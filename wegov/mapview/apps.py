from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapviewConfig(AppConfig):
    name = "wegov.mapview"
    label = "mapview"
    verbose_name = _("Map")

    def ready(self):
        # Every app has registered its contribution kinds by now (mapview
        # comes after them in INSTALLED_APPS).
        from . import handlers, services  # noqa: F401

        services.connect_signals()
