from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wegov.accounts.rules import is_administrator, session_passed_mfa


class WeGovAdminSite(admin.AdminSite):
    site_header = _("WeGov administration")
    site_title = _("WeGov administration")
    index_title = _("Platform administration")

    def has_permission(self, request):
        # Administrators only, and only in a session that passed the second
        # factor: a stolen password alone never opens the admin.
        user = request.user
        return bool(user.is_active and is_administrator(user) and session_passed_mfa(request))
