from django.urls import path

from . import views

app_name = "residency"

urlpatterns = [
    path("me/residence/", views.mine, name="mine"),
    path("me/residence/census/", views.census_submit, name="census"),
    path("me/residence/code/", views.code_submit, name="code"),
    path("residency/desk/", views.desk, name="desk"),
    path("residency/desk/<uuid:public_id>/", views.desk_person, name="desk_person"),
    path("residency/desk/<uuid:public_id>/revoke/", views.desk_revoke, name="desk_revoke"),
    path("residency/census/", views.census_lists, name="census_lists"),
    path(
        "residency/census/<int:pk>/deactivate/",
        views.census_deactivate,
        name="census_deactivate",
    ),
    path("residency/codes/", views.code_batches, name="code_batches"),
]
