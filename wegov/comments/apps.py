from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "wegov.comments"
    label = "comments"
