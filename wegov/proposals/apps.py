from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "wegov.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from . import handlers, quality, registration, rules  # noqa: F401
