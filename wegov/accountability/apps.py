from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "wegov.accountability"
    label = "accountability"
    verbose_name = _("Accountability")

    def ready(self):
        from . import handlers, opendata, registration, rules  # noqa: F401
