from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatalayersConfig(AppConfig):
    name = "wegov.datalayers"
    label = "datalayers"
    verbose_name = _("Open-data map layers")

    def ready(self):
        from . import handlers, personal_data, rules  # noqa: F401
