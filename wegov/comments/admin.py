from django.contrib import admin

from .models import Comment, CommentVersion


class CommentVersionInline(admin.TabularInline):
    model = CommentVersion
    extra = 0
    can_delete = False
    readonly_fields = ["body", "stance", "edited_at"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """For looking things up; writes go through the pages (services), and
    moderation through the moderation queue."""

    list_display = [
        "pk",
        "target_kind",
        "target_id",
        "author",
        "depth",
        "stance",
        "created_at",
        "is_hidden",
        "deleted_at",
    ]
    list_filter = ["target_kind", "stance", "is_hidden"]
    search_fields = ["body"]
    raw_id_fields = ["author", "parent"]
    readonly_fields = ["upvotes", "downvotes", "edited_at", "deleted_at", "mentions"]
    inlines = [CommentVersionInline]
