"""Look-up admin: budgets and projects change through the staff pages and
services (audit, events, tallies stay right). Ballots are not shown here:
who voted for what is nobody's business, and after the vote closes the
ballots no longer know their voter."""

from django.contrib import admin

from .models import Budget, BudgetProject, TallyRecord


class ProjectInline(admin.TabularInline):
    model = BudgetProject
    extra = 0
    fields = ["title", "estimated_cost", "final_cost", "status", "is_funded", "pb_project_id"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "process",
        "district",
        "amount",
        "currency",
        "ballot_type",
        "rule",
        "is_published",
        "voting_closes_at",
    ]
    list_filter = ["is_published", "ballot_type", "rule"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["process", "created_by"]
    readonly_fields = ["ballots_anonymised_at", "results_published_at", "pb_meta"]
    inlines = [ProjectInline]


@admin.register(BudgetProject)
class BudgetProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "budget", "cost", "status", "is_funded", "is_hidden"]
    list_filter = ["status", "is_funded", "is_hidden"]
    search_fields = ["title", "pb_project_id"]
    raw_id_fields = ["budget", "author", "evaluated_by"]
    readonly_fields = ["is_funded", "evaluated_by", "evaluated_at", "pb_fields"]


@admin.register(TallyRecord)
class TallyRecordAdmin(admin.ModelAdmin):
    list_display = ["budget", "rule", "input_hash", "voter_count", "published", "created_at"]
    list_filter = ["rule", "published"]
    readonly_fields = [f.name for f in TallyRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
