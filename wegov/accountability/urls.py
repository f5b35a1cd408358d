"""Mounted at /results/ (see wegov/urls.py)."""

from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("", views.result_list, name="list"),
    path("new/", views.result_new, name="new"),
    path("track/", views.track, name="track"),
    path("<int:pk>/", views.result_detail, name="detail"),
    path("<int:pk>/edit/", views.result_edit, name="edit"),
    path("<int:pk>/manage/", views.result_manage, name="manage"),
    path("<int:pk>/status/", views.result_status, name="status"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/reached/",
        views.milestone_reached,
        name="milestone_reached",
    ),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/remove/",
        views.milestone_remove,
        name="milestone_remove",
    ),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/remove/", views.photo_remove, name="photo_remove"),
]
