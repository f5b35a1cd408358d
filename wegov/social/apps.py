from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "wegov.social"
    label = "social"
