from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    # rules.py is found by rules' autodiscovery (rules.apps.AutodiscoverRulesConfig).
    name = "wegov.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgeting")

    def ready(self):
        from . import opendata, personal_data, registration  # noqa: F401

        opendata.register_dataset()
