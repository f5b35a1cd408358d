"""Mounted at /budgets/ (see wegov/urls.py)."""

from django.urls import path

from . import views, views_participation

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
    # Participation (views_participation): before "<slug>/" so "receipts/" is no budget.
    path("receipts/", views_participation.receipt_check, name="receipt_check"),
    path("<slug:slug>/projects/new/", views_participation.project_submit, name="project_submit"),
    path("<slug:slug>/evaluation/", views_participation.evaluation_queue, name="evaluation_queue"),
    path(
        "<slug:slug>/evaluation/<int:pk>/",
        views_participation.project_evaluate,
        name="project_evaluate",
    ),
    path("<slug:slug>/ballot/", views_participation.ballot, name="ballot"),
    path(
        "<slug:slug>/ballot/saved/",
        views_participation.ballot_confirmation,
        name="ballot_confirmation",
    ),
    path("<slug:slug>/ballot/mine/", views_participation.my_ballot, name="my_ballot"),
    path("<slug:slug>/", views.budget_detail, name="detail"),
    path("<slug:slug>/projects/", views.project_list, name="project_list"),
    path("<slug:slug>/projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("<slug:slug>/projects.geojson", views.projects_geojson, name="projects_geojson"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results.pb", views.results_pabulib, name="results_pabulib"),
]
