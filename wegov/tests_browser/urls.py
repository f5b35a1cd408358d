"""Test-only URLconf: the real one plus views that fail on purpose, so the 403
and 500 pages can be loaded in a browser through the real error handlers."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from wegov.urls import handler400, handler403, handler404, handler500
from wegov.urls import urlpatterns as site_urlpatterns


class DeliberateServerError(Exception):
    """Raised by the test-only /__test__/server-error/ view."""


def forbidden(request):
    raise PermissionDenied


def server_error(request):
    raise DeliberateServerError("deliberate error for the 500 page test")


urlpatterns = [
    path("__test__/forbidden/", forbidden),
    path("__test__/server-error/", server_error),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
