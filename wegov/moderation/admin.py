"""Read-only views of moderation records: every change goes through the
moderation pages (services), so it is audited and announced."""

from django.contrib import admin

from .models import Block, BlockAppeal, Flag, ModerationCase


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationCase)
class ModerationCaseAdmin(ReadOnlyAdmin):
    list_display = ["target_kind", "target_id", "state", "flag_count", "author", "decided_at"]
    list_filter = ["state", "target_kind"]
    list_select_related = ["author"]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["target_kind", "target_id", "reason", "reporter", "created_at", "dismissed_at"]
    list_filter = ["reason", "target_kind"]
    list_select_related = ["reporter"]


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ["user", "moderator", "created_at", "lifted_at"]
    list_select_related = ["user", "moderator"]


@admin.register(BlockAppeal)
class BlockAppealAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "decision", "decided_at"]
    list_select_related = ["user"]
