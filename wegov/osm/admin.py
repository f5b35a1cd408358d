from django.contrib import admin

from .models import CategoryFeatureRule, Feature, OsmImport, Street


@admin.register(CategoryFeatureRule)
class CategoryFeatureRuleAdmin(admin.ModelAdmin):
    """Staff say which categories need a map feature nearby (and how near)."""

    list_display = ["category", "feature_kind", "radius_m"]
    list_filter = ["feature_kind"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The index is written by `manage.py import_osm` only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OsmImport)
class OsmImportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "source", "counts", "seconds"]


@admin.register(Street)
class StreetAdmin(ReadOnlyAdmin):
    list_display = ["name", "highway", "osm_id"]
    search_fields = ["name"]
    list_filter = ["highway"]
    fields = ["name", "highway", "osm_id", "min_lat", "min_lon", "max_lat", "max_lon"]


@admin.register(Feature)
class FeatureAdmin(ReadOnlyAdmin):
    list_display = ["kind", "name", "ref", "lat", "lon", "osm_id"]
    list_filter = ["kind"]
    search_fields = ["name", "ref"]
