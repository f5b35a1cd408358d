"""Mounted at /budgets/ (see wegov/urls.py)."""

from django.urls import path

from . import views

app_name = "budgeting"

urlpatterns = [
    path("", views.budget_list, name="list"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/<int:pk>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/<int:pk>/tally/", views.manage_tally, name="manage_tally"),
    path(
        "manage/<int:pk>/tally/<int:tally_pk>/publish/",
        views.manage_publish,
        name="manage_publish",
    ),
    path("manage/<int:pk>/withdraw/", views.manage_withdraw, name="manage_withdraw"),
    path("<slug:slug>/", views.budget_detail, name="detail"),
    path("<slug:slug>/projects/", views.project_list, name="project_list"),
    path("<slug:slug>/projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("<slug:slug>/projects.geojson", views.projects_geojson, name="projects_geojson"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results.pb", views.results_pabulib, name="results_pabulib"),
]
