from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health, staff_pages


def home(request):
    return render(request, "core/home.html")


def privacy(request):
    return render(
        request, "core/privacy.html", {"notice_version": settings.WEGOV_PRIVACY_NOTICE_VERSION}
    )


def accessibility(request):
    return render(request, "core/accessibility.html")


def contact(request):
    return render(request, "core/contact.html")


@login_required
@require_GET
def staff_hub(request):
    """Every work page the person may open, one link each (the header has one link here)."""
    pages = staff_pages.available_to(request.user)
    if not pages:
        raise PermissionDenied
    return render(request, "core/staff_hub.html", {"pages": pages})


@never_cache
@require_GET
def healthz(request):
    checks = health.run_checks()
    healthy = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if not healthy:
        body["detail"] = "; ".join(r for r in checks.values() if r != "ok")
    return JsonResponse(body, status=200 if healthy else 503)


def _error(request, status, template):
    if request.path.startswith("/api/"):
        reasons = {400: "Bad request.", 403: "Permission denied.", 404: "Not found."}
        return JsonResponse({"detail": reasons[status]}, status=status)
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "400.html")


def permission_denied(request, exception=None):
    return _error(request, 403, "403.html")


def csrf_failure(request, reason=""):
    """A form sent without a valid security token (often an old open tab)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie."},
            status=403,
        )
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return _error(request, 404, "404.html")


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    # No request context: whatever broke (often the database) must not break
    # the error page too.
    return HttpResponseServerError(loader.get_template("500.html").render())
