app_name = "mapview"

urlpatterns = []
