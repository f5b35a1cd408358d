from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidencyConfig(AppConfig):
    name = "wegov.residency"
    label = "residency"
    verbose_name = _("Residence verification")

    def ready(self):
        from . import personal_data, rules  # noqa: F401
