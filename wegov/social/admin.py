from django.contrib import admin

from .models import Activity, Follow, Notification, NotificationPreference


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "verb", "target_kind", "target_id", "is_public", "is_hidden"]
    list_filter = ["verb", "is_public", "is_hidden"]
    search_fields = ["verb", "target_kind"]
    raw_id_fields = ["actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "notification_type", "email_state", "read_at"]
    list_filter = ["notification_type", "email_state"]
    raw_id_fields = ["recipient", "activity"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "target_kind", "target_id"]
    list_filter = ["target_kind"]
    raw_id_fields = ["user"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "notification_type", "delivery"]
    list_filter = ["notification_type", "delivery"]
    raw_id_fields = ["user"]
