from django.contrib import admin

from .models import Category, Report, ReportUpdate, RoutingRule, ServiceAttribute


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "service_code",
        "group",
        "department",
        "sla_hours",
        "allows_anonymous",
        "is_active",
    ]
    list_filter = ["department", "group", "is_active"]
    search_fields = ["name", "service_code"]
    prepopulated_fields = {"service_code": ["name"]}
    inlines = [ServiceAttributeInline, RoutingRuleInline]


class ReportUpdateInline(admin.TabularInline):
    model = ReportUpdate
    extra = 0
    fields = ["created_at", "kind", "status_from", "status_to", "text", "author"]
    readonly_fields = fields
    can_delete = False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-mostly: staff handle reports in the back office, where every change is audited."""

    list_display = ["id", "title", "category", "department", "status", "created_at", "channel"]
    list_filter = ["status", "channel", "department", "category"]
    search_fields = ["title", "description", "address"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Report._meta.fields]
    inlines = [ReportUpdateInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
