"""Read-mostly admin: results change through the staff pages and services (the
public log, audit and notifications stay right); the admin helps look things up."""

from django.contrib import admin

from .models import Milestone, Result, ResultPhoto, ResultUpdate


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    readonly_fields = ["title", "due_on", "reached_on", "created_at"]
    can_delete = False


class PhotoInline(admin.TabularInline):
    model = ResultPhoto
    extra = 0
    readonly_fields = ["image", "alt_text", "width", "height", "created_at"]
    can_delete = False


class UpdateInline(admin.TabularInline):
    model = ResultUpdate
    extra = 0
    readonly_fields = [
        "created_at",
        "author",
        "previous_status",
        "previous_progress",
        "status",
        "progress",
        "note",
    ]
    can_delete = False


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "department", "status", "progress", "updated_at"]
    list_filter = ["status", "department", "is_hidden"]
    search_fields = ["title"]
    raw_id_fields = ["created_by"]
    readonly_fields = [
        "source_kind",
        "source_id",
        "status",
        "progress",
        "cancel_reason",
        "status_changed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [MilestoneInline, PhotoInline, UpdateInline]
