from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "wegov.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from . import registration, rules  # noqa: F401
