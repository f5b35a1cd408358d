from django.contrib import admin

from wegov.core.audit import audit

from .models import DatasetExport, OpenDataSettings


@admin.register(OpenDataSettings)
class OpenDataSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "licence", "publisher_name", "contact_email", "updated_at"]
    fields = ["licence", "publisher_name", "contact_name", "contact_email"]

    def has_add_permission(self, request):
        return not OpenDataSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = OpenDataSettings.SINGLETON_ID
        super().save_model(request, obj, form, change)
        audit(
            actor=request.user,
            action="opendata.settings_changed",
            target=obj,
            after={name: getattr(obj, name) for name in self.fields},
        )


@admin.register(DatasetExport)
class DatasetExportAdmin(admin.ModelAdmin):
    list_display = ["slug", "generated_at", "rows", "duration_seconds", "failed_at"]
    readonly_fields = [f.name for f in DatasetExport._meta.fields]

    def has_add_permission(self, request):
        return False
