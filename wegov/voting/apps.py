from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "wegov.voting"
    label = "voting"
    verbose_name = _("Votes on alternatives")

    def ready(self):
        from . import registration, rules  # noqa: F401
