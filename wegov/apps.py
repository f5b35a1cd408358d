from django.contrib.admin.apps import AdminConfig


class WeGovAdminConfig(AdminConfig):
    """Django admin for administrators only, and only after two-factor login."""

    default_site = "wegov.admin_site.WeGovAdminSite"
