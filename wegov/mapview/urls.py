from django.urls import path

from . import views

app_name = "mapview"

urlpatterns = [
    path("", views.map_page, name="index"),
]
