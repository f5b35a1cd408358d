from django.contrib import admin

from .models import Conversation, OpinionAnalysis, Statement


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("topic", "slug", "is_published", "is_open", "moderation", "created_at")
    list_filter = ("is_published", "is_open", "moderation")
    search_fields = ("topic", "slug")


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("conversation", "number", "text", "state", "is_seed", "is_hidden")
    list_filter = ("state", "is_seed", "is_hidden")
    search_fields = ("text",)
    raw_id_fields = ("conversation", "author", "author_participant", "moderated_by")


@admin.register(OpinionAnalysis)
class OpinionAnalysisAdmin(admin.ModelAdmin):
    list_display = ("conversation", "computed_at", "group_count", "grouped_count", "silhouette")
    readonly_fields = ("result",)
