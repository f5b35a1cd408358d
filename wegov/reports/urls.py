from django.urls import path

from . import views, views_geo

app_name = "reports"

urlpatterns = [
    path("map.geojson", views_geo.map_geojson, name="map_geojson"),
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/subscribe/", views.subscribe, name="subscribe"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
