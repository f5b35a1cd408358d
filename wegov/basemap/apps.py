from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasemapConfig(AppConfig):
    name = "wegov.basemap"
    label = "basemap"
    verbose_name = _("Base-map problems")

    def ready(self):
        from . import rules  # noqa: F401
