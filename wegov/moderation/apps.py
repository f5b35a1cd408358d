from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "wegov.moderation"
    label = "moderation"
