"""Topics and processes in the Django administration.

Topics are managed here only. Processes are normally managed in the back
office (/processes/manage/), which also publishes them; the administration
keeps the same rules: descriptions are sanitised, phases may not overlap and
the process dates follow its phases. Publishing is left to the back office,
so that it is announced and checked like there.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wegov.core.audit import audit

from . import services
from .models import Phase, Process, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit(actor=request.user, action="topic.updated" if change else "topic.created", target=obj)

    def delete_model(self, request, obj):
        audit(actor=request.user, action="topic.deleted", target=obj)
        super().delete_model(request, obj)


class PhaseInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        phases = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("kind"):
                continue
            phases.append(
                services.PhaseInput(
                    kind=data["kind"],
                    starts_on=data.get("starts_on"),
                    ends_on=data.get("ends_on"),
                    title=data.get("title", ""),
                    description=data.get("description", ""),
                )
            )
        try:
            ordered = services.validate_phases(phases)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["phases"]) from None
        if self.instance.is_published and not ordered:
            raise ValidationError(_("A published process needs at least one phase."))


class PhaseInline(admin.TabularInline):
    model = Phase
    formset = PhaseInlineFormSet
    extra = 1
    fields = ["kind", "title", "starts_on", "ends_on", "description"]


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "scope", "district", "topic", "starts_on"]
    list_filter = ["is_published", "scope", "topic", "district"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["is_published", "published_at", "starts_on", "ends_on", "created_by"]
    autocomplete_fields = ["organisation"]
    inlines = [PhaseInline]

    def save_model(self, request, obj, form, change):
        obj.description = services.rich_text(obj.description)
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        audit(
            actor=request.user,
            action="process.updated" if change else "process.created",
            target=obj,
            after={"via": "admin", "changed": sorted(form.changed_data)},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Phase:
            return super().save_formset(request, form, formset, change)
        phases = formset.save(commit=False)
        for phase in formset.deleted_objects:
            phase.delete()
        # Out of the way of the unique positions; renumbered in date order below.
        for offset, phase in enumerate(phases):
            phase.position = 10_000 + offset
            phase.save()
        formset.save_m2m()
        services.renumber_phases(form.instance)
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_dates(form.instance)
