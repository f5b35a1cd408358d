from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "wegov.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self):
        from . import handlers, personal_data, rules  # noqa: F401
