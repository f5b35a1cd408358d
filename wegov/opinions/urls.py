"""/conversations/: each section of this list belongs to one views module."""

from django.urls import path

from . import views_results

app_name = "opinions"

urlpatterns = [
    # views_participate: taking part
    # views_results: results, opinion map, report, Pol.is export
    path("<slug:slug>/results/", views_results.results, name="results"),
    path("<slug:slug>/results/map/", views_results.opinion_map, name="opinion_map"),
    path("<slug:slug>/report/", views_results.report, name="report"),
    # views_manage: organisers
]
