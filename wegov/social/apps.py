from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "wegov.social"
    label = "social"
    verbose_name = _("Follows and notifications")

    def ready(self):
        from . import handlers, personal_data, rules  # noqa: F401
