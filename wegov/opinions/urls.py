"""/conversations/: each section of this list belongs to one views module."""

from django.urls import path

from . import views_manage, views_participate

app_name = "opinions"

urlpatterns = [
    # views_manage: organisers (first: "manage/" is not a conversation's address)
    path("manage/", views_manage.manage, name="manage"),
    path("manage/new/", views_manage.create, name="create"),
    path("<slug:slug>/edit/", views_manage.edit, name="edit"),
    path("<slug:slug>/edit/publish/", views_manage.publish, name="manage_publish"),
    path("<slug:slug>/edit/unpublish/", views_manage.unpublish, name="manage_unpublish"),
    path("<slug:slug>/edit/close/", views_manage.close, name="manage_close"),
    path("<slug:slug>/edit/reopen/", views_manage.reopen, name="manage_reopen"),
    path("<slug:slug>/edit/recompute/", views_manage.recompute, name="manage_recompute"),
    # views_participate: taking part
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
]
