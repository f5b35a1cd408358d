from django.urls import path, register_converter

from . import views

app_name = "opendata"


class FormatConverter:
    regex = "csv|geojson|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "opendata_format")

urlpatterns = [
    path("", views.index, name="index"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog_jsonld"),
    path("catalog.ttl", views.catalog_ttl, name="catalog_ttl"),
    path("manage/", views.manage, name="manage"),
    path("manage/regenerate/", views.regenerate, name="regenerate"),
    path("manage/settings/", views.update_settings, name="settings"),
    path("<slug:slug>.<opendata_format:fmt>", views.download, name="download"),
]
