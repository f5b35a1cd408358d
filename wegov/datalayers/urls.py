from django.urls import path

from . import views

app_name = "datalayers"

urlpatterns = [
    path("<slug:slug>.geojson", views.geojson, name="geojson"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<slug:slug>/", views.staff_detail, name="staff_detail"),
    path("staff/<slug:slug>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<slug:slug>/refresh/", views.staff_refresh, name="staff_refresh"),
    path("staff/<slug:slug>/delete/", views.staff_delete, name="staff_delete"),
    path("link/<slug:kind>/<int:object_id>/", views.link, name="link"),
]
