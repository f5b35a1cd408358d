from django.contrib import admin

from .models import CensusList, CodeBatch, Residence


@admin.register(Residence)
class ResidenceAdmin(admin.ModelAdmin):
    list_display = ["user", "district", "method", "verified_at", "expires_on"]
    list_filter = ["method", "district"]
    list_select_related = ["user", "district"]
    raw_id_fields = ["user", "verified_by"]
    # Changes go through the desk (services, audit, the user flag in step).
    readonly_fields = ["user", "district", "method", "verified_at", "verified_by", "expires_on"]

    def has_add_permission(self, request):
        return False


@admin.register(CensusList)
class CensusListAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "created_at", "entry_count", "is_active"]
    list_filter = ["is_active"]
    readonly_fields = ["name", "district", "uploaded_by", "created_at", "entry_count", "is_active"]

    def has_add_permission(self, request):
        return False


@admin.register(CodeBatch)
class CodeBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "district", "created_at", "size", "expires_on"]
    readonly_fields = ["district", "label", "created_by", "created_at", "size", "expires_on"]

    def has_add_permission(self, request):
        return False
