"""Read-mostly admin: proposals change through the pages and services (counts,
answers, audit and notifications stay right); the admin helps to look things up."""

from django.contrib import admin

from .models import Coauthorship, Proposal, ProposalAttachment


class CoauthorshipInline(admin.TabularInline):
    model = Coauthorship
    fk_name = "proposal"
    extra = 0
    readonly_fields = ["user", "invited_by", "created_at", "accepted_at"]
    can_delete = False


class AttachmentInline(admin.TabularInline):
    model = ProposalAttachment
    extra = 0
    readonly_fields = ["title", "file", "kind", "content_type", "size", "created_at"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "process",
        "state",
        "answer_state",
        "support_count",
        "comment_count",
        "is_hidden",
        "created_at",
    ]
    list_filter = ["process", "state", "answer_state", "is_hidden"]
    search_fields = ["title"]
    raw_id_fields = ["author", "answered_by"]
    readonly_fields = [
        "support_count",
        "comment_count",
        "qualified_at",
        "answer_state",
        "answer_text",
        "answered_at",
        "answered_by",
        "state",
        "withdrawn_at",
        "is_hidden",
        "hidden_reason",
        "hidden_at",
    ]
    inlines = [CoauthorshipInline, AttachmentInline]
