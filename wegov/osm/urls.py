app_name = "osm"

urlpatterns = []
