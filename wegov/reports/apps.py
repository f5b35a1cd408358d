from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "wegov.reports"
    label = "reports"
    verbose_name = _("Problem reports")

    def ready(self):
        from . import cache, notifications, quality, registration  # noqa: F401
