from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "wegov.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from . import handlers, registration, rules  # noqa: F401
