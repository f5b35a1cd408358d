from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from wegov.core.audit import audit

from .models import ApiToken, Consent, Membership, Organisation, User

ROLE_FIELDS = (
    "is_active",
    "is_superuser",
    "is_staff",
    "is_moderator",
    "is_process_manager",
    "verified_resident_since",
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "is_moderator",
        "is_process_manager",
        "is_superuser",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_superuser", "is_moderator", "is_process_manager", "is_active"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["public_id", "last_login", "date_joined", "erased_at"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (_("Profile"), {"fields": ("display_name", "preferred_language")}),
        (_("Roles"), {"fields": ROLE_FIELDS}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            old = User.objects.get(pk=obj.pk)
            before = {f: str(getattr(old, f)) for f in ROLE_FIELDS}
        super().save_model(request, obj, form, change)
        after = {f: str(getattr(obj, f)) for f in ROLE_FIELDS}
        if before != after:
            audit(
                actor=request.user,
                action="user.roles_changed" if change else "user.created",
                target=obj,
                label=f"user {obj.pk}",
                before=before,
                after=after,
            )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            audit(
                actor=request.user,
                action="membership.removed",
                target=deleted.user,
                label=f"user {deleted.user_id}",
                before={"organisation": deleted.organisation.slug, "role": deleted.role},
            )
            deleted.delete()
        for instance in instances:
            instance.save()
            audit(
                actor=request.user,
                action="membership.saved",
                target=instance.user,
                label=f"user {instance.user_id}",
                after={"organisation": instance.organisation.slug, "role": instance.role},
            )
        formset.save_m2m()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "district", "public_email"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit(
            actor=request.user,
            action="organisation.changed" if change else "organisation.created",
            target=obj,
            after={f: str(form.cleaned_data.get(f)) for f in form.changed_data},
        )


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["purpose", "version", "given_at", "withdrawn_at"]
    list_filter = ["purpose", "version"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "key_prefix", "user", "created_at", "last_used_at", "expires_at"]

    def has_add_permission(self, request):
        return False
