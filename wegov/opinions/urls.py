"""/conversations/: organisers' pages first ("manage/" is not a conversation's address)."""

from django.urls import path

from . import views_export, views_manage, views_participate, views_results

app_name = "opinions"

urlpatterns = [
    # Organisers (views_manage)
    path("manage/", views_manage.manage, name="manage"),
    path("manage/new/", views_manage.create, name="create"),
    path("<slug:slug>/edit/", views_manage.edit, name="edit"),
    path("<slug:slug>/edit/publish/", views_manage.publish, name="manage_publish"),
    path("<slug:slug>/edit/unpublish/", views_manage.unpublish, name="manage_unpublish"),
    path("<slug:slug>/edit/close/", views_manage.close, name="manage_close"),
    path("<slug:slug>/edit/reopen/", views_manage.reopen, name="manage_reopen"),
    path("<slug:slug>/edit/recompute/", views_manage.recompute, name="manage_recompute"),
    # Taking part and moderating statements (views_participate)
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
    # Results, the opinion map and the report (views_results)
    path("<slug:slug>/results/", views_results.results, name="results"),
    path("<slug:slug>/results/map/", views_results.opinion_map, name="opinion_map"),
    path("<slug:slug>/report/", views_results.report, name="report"),
    # The Pol.is openData files (views_export)
    path("<slug:slug>/export/polis.zip", views_export.export_zip, name="export_zip"),
    path("<slug:slug>/export/<str:name>.csv", views_export.export_file, name="export"),
]
