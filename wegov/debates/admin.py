from django.contrib import admin

from .models import Debate


@admin.register(Debate)
class DebateAdmin(admin.ModelAdmin):
    """Read-only: debates are opened, closed and reopened on their pages (the
    services check permissions, audit and notify); moderation hides them."""

    list_display = ["title", "process", "state", "opened_by_organisation", "comment_count"]
    list_filter = ["state", "is_hidden", "process"]
    search_fields = ["title"]
    list_select_related = ["process", "opened_by_organisation"]
    raw_id_fields = ["author", "closed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
