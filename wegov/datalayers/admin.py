"""Read-only views in the Django admin: layers are added and changed on the
staff pages (/layers/staff/), which read and check the files."""

from django.contrib import admin

from .models import DataLayer, FeatureLink


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataLayer)
class DataLayerAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "is_public", "feature_count", "refreshed_at", "last_error_at"]
    list_filter = ["is_public"]
    search_fields = ["name", "slug"]


@admin.register(FeatureLink)
class FeatureLinkAdmin(ReadOnlyAdmin):
    list_display = ["contribution_kind", "contribution_id", "feature", "created_at"]
    list_filter = ["contribution_kind"]
    list_select_related = ["feature"]
