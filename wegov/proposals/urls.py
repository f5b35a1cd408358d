"""Mounted at /processes/<process_slug>/proposals/ (see wegov/urls.py)."""

from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_create, name="create"),
    path("similar/", views.similar, name="similar"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("<int:pk>/coauthors/", views.coauthor_invite, name="coauthor_invite"),
    path("<int:pk>/coauthors/remove/", views.coauthor_remove, name="coauthor_remove"),
    path("<int:pk>/invitation/", views.coauthor_invitation, name="coauthor_invitation"),
    path("<int:pk>/answer/", views.proposal_answer, name="answer"),
]
