"""/conversations/: each section of this list belongs to one views module."""

from django.urls import path

from . import views_export

app_name = "opinions"

urlpatterns = [
    # views_participate: taking part
    # views_results: results, opinion map, report
    # views_export: the Pol.is openData files
    path("<slug:slug>/export/polis.zip", views_export.export_zip, name="export_zip"),
    path("<slug:slug>/export/<str:name>.csv", views_export.export_file, name="export"),
    # views_manage: organisers
]
