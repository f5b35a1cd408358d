"""/conversations/: each section of this list belongs to one views module."""

from django.urls import path

from . import views_manage

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
    # views_results: results, opinion map, report, Pol.is export
]
