from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "wegov.proposals"
    label = "proposals"
