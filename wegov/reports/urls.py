from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/", views.report_detail, name="detail"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
