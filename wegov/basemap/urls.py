app_name = "basemap"

urlpatterns = []
