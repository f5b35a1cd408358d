from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "wegov.opinions"
    label = "opinions"
    verbose_name = _("Conversations and opinion groups")

    def ready(self):
        from . import registration, rules  # noqa: F401
