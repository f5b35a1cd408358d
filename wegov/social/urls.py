from django.urls import path

from . import views

app_name = "social"

urlpatterns = [
    path("activity/", views.feed, name="feed"),
    path("follow/", views.follow, name="follow"),
    path("me/following/", views.following, name="following"),
    path("me/notifications/", views.notifications, name="notifications"),
    path(
        "me/notifications/read-all/",
        views.notifications_read_all,
        name="notifications_read_all",
    ),
    path("me/notifications/settings/", views.notification_settings, name="notification_settings"),
    path("me/notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("me/notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("me/public-profile/", views.profile_edit, name="profile_edit"),
    path("people/<uuid:public_id>/", views.profile, name="profile"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
