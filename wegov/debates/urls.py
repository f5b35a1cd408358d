from django.urls import path

from . import views

app_name = "debates"

# Mounted under /processes/<process_slug>/debates/.
urlpatterns = [
    path("", views.debate_list, name="list"),
    path("new/", views.debate_create, name="create"),
    path("<int:pk>/", views.debate_detail, name="detail"),
    path("<int:pk>/edit/", views.debate_edit, name="edit"),
    path("<int:pk>/close/", views.debate_close, name="close"),
    path("<int:pk>/reopen/", views.debate_reopen, name="reopen"),
]
