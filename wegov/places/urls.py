from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("places/areas.geojson", views.areas_geojson, name="areas_geojson"),
    path("me/areas/", views.area_list, name="area_list"),
    path("me/areas/new/", views.area_create, name="area_create"),
    path("me/areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("me/areas/<int:pk>/delete/", views.area_delete, name="area_delete"),
]
