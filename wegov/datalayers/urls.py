app_name = "datalayers"

urlpatterns = []
