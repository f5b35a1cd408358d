from django.urls import path

from . import views

app_name = "voting"

# Mounted under /processes/<process_slug>/polls/.
urlpatterns = [
    path("", views.poll_list, name="list"),
    path("delegation/", views.delegation, name="delegation"),
    path("delegation/revoke/", views.delegation_revoke, name="delegation_revoke"),
    path("manage/", views.manage, name="manage"),
    path("manage/settings/", views.manage_settings, name="manage_settings"),
    path("manage/new/", views.manage_poll_form, name="manage_create"),
    path("manage/<int:pk>/edit/", views.manage_poll_form, name="manage_edit"),
    path("manage/<int:pk>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/<int:pk>/unpublish/", views.manage_unpublish, name="manage_unpublish"),
    path(
        "manage/<int:pk>/publish-results/",
        views.manage_publish_results,
        name="manage_publish_results",
    ),
    path("<int:pk>/", views.poll_detail, name="detail"),
    path("<int:pk>/withdraw/", views.poll_withdraw, name="withdraw"),
    path("<int:pk>/results/", views.poll_results, name="results"),
]
