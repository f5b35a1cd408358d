from django.urls import path

from . import views

app_name = "processes"

# The back office comes first: "manage" is a reserved short name (services.RESERVED_SLUGS).
urlpatterns = [
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/<int:pk>/phases/", views.manage_phases, name="manage_phases"),
    path("manage/<int:pk>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/<int:pk>/unpublish/", views.manage_unpublish, name="manage_unpublish"),
    path("manage/<int:pk>/preview/", views.manage_preview, name="manage_preview"),
    path("", views.process_list, name="list"),
    path("<slug:slug>/", views.process_detail, name="detail"),
]
