from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "wegov.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from . import datasets, rules  # noqa: F401

        datasets.register_all()
