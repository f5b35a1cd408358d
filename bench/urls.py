"""wegov.urls plus the ceiling: a view returning recorded bytes through the same
middleware stack, served by the same gunicorn workers as the real endpoints."""

import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path

from wegov.urls import *  # noqa: F403
from wegov.urls import urlpatterns as wegov_urlpatterns

_recorded: dict[str, tuple[bytes, str]] = {}


def fixed(request, name: str):
    if name not in _recorded:
        folder = Path(os.environ["BENCH_FIXED_DIR"])
        body = folder / f"{name}.body"
        if not name.isidentifier() or not body.exists():
            raise Http404
        _recorded[name] = (body.read_bytes(), (folder / f"{name}.type").read_text().strip())
    content, content_type = _recorded[name]
    return HttpResponse(content, content_type=content_type)


urlpatterns = [path("__bench__/fixed/<str:name>", fixed), *wegov_urlpatterns]
