from django.urls import path

from . import views

app_name = "basemap"

urlpatterns = [
    path("", views.flag_list, name="list"),
    path("new/", views.flag_new, name="new"),
    path("mine/", views.my_flags, name="mine"),
    path("export.geojson", views.export_geojson, name="export_geojson"),
    path("challenge.geojson", views.export_challenge, name="export_challenge"),
    path("<int:pk>/", views.flag_detail, name="detail"),
    path("<int:pk>/status/", views.flag_status, name="status"),
]
