from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["name"]
    readonly_fields = ["min_lat", "min_lon", "max_lat", "max_lon"]
