from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect
from django.urls import reverse

from .rules import is_privileged

# Paths a privileged user without two-factor authentication may still reach:
# the pages to set it up, to log out, and assets.
ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/static/",
    "/media/",
    "/i18n/",
    "/healthz",
    "/jsi18n/",
)


class RequireMfaForPrivilegedUsersMiddleware:
    """Staff, moderators, process managers and administrators must enrol a
    second factor before they can use anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and is_privileged(user)
            and not is_mfa_enabled(user)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {"detail": "Two-factor authentication must be enabled for this account."},
                    status=403,
                )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
