from django.apps import AppConfig


class DebatesConfig(AppConfig):
    name = "wegov.debates"
    label = "debates"
