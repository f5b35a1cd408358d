from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DebatesConfig(AppConfig):
    name = "wegov.debates"
    label = "debates"
    verbose_name = _("Debates")

    def ready(self):
        from . import registration, rules  # noqa: F401
