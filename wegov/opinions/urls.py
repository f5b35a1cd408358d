"""/conversations/: each section of this list belongs to one views module."""

from django.urls import path

from . import views_export
from . import views_participate
from . import views_results

app_name = "opinions"

urlpatterns = [
    # views_participate: taking part
    # views_results: results, opinion map, report
    # views_export: the Pol.is openData files
    path("<slug:slug>/export/polis.zip", views_export.export_zip, name="export_zip"),
    path("<slug:slug>/export/<str:name>.csv", views_export.export_file, name="export"),
    path("", views_participate.conversation_list, name="list"),
    path("<slug:slug>/", views_participate.conversation_detail, name="detail"),
    path("<slug:slug>/my-votes/", views_participate.my_votes, name="my_votes"),
    path("<slug:slug>/statements/new/", views_participate.submit, name="submit"),
    path(
        "<slug:slug>/statements/<int:number>/",
        views_participate.statement_detail,
        name="statement",
    ),
    path("<slug:slug>/statements/<int:number>/vote/", views_participate.vote, name="vote"),
    path("<slug:slug>/moderate/", views_participate.moderate, name="moderate"),
    path(
        "<slug:slug>/moderate/<int:number>/",
        views_participate.moderate_statement,
        name="moderate_statement",
    ),
    # views_results: results, opinion map, report, Pol.is export
    path("<slug:slug>/results/", views_results.results, name="results"),
    path("<slug:slug>/results/map/", views_results.opinion_map, name="opinion_map"),
    path("<slug:slug>/report/", views_results.report, name="report"),
    # views_manage: organisers
]
