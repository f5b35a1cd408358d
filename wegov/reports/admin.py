from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Category,
    Open311Client,
    Report,
    ReportUpdate,
    RoutingRule,
    ServiceAttribute,
)


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


class Open311ClientAdmin(admin.ModelAdmin):
    """API keys of Open311 client applications. A new key is shown once, after
    saving; only its hash is stored. Revoke a key by deactivating its client."""

    list_display = ["name", "key_prefix", "is_active", "requests_per_hour", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "key_prefix", "contact_email"]
    fields = ["name", "contact_email", "requests_per_hour", "is_active", "key_prefix", "created_at"]
    readonly_fields = ["key_prefix", "created_at"]
    actions = ["deactivate"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "is_active"] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        from django.contrib import messages
        from django.utils.translation import gettext

        from . import services

        if change:
            return super().save_model(request, obj, form, change)
        client, key = services.open311_client_create(
            actor=request.user,
            name=obj.name,
            contact_email=obj.contact_email,
            requests_per_hour=obj.requests_per_hour,
        )
        # The admin goes on with ``obj`` (its change page, the log entry).
        for name in ("pk", "key_prefix", "key_hash", "created_at", "is_active"):
            setattr(obj, name, getattr(client, name))
        obj._state.adding = False
        obj._state.db = client._state.db
        messages.warning(
            request,
            gettext(
                "The API key of %(name)s is %(key)s — copy it now and give it to the "
                "client's developers: it is stored only as a hash and will not be shown again."
            )
            % {"name": client.name, "key": key},
        )
        return None

    @admin.action(description=_("Deactivate the selected clients (revoke their keys)"))
    def deactivate(self, request, queryset):
        from . import services

        for client in queryset.filter(is_active=True):
            services.open311_client_deactivate(actor=request.user, client=client)


admin.site.register(Open311Client, Open311ClientAdmin)
