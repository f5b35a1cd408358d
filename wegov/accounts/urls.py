from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile, name="profile"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("me/apps/", views.connected_apps, name="connected_apps"),
    path(
        "me/apps/<int:application_id>/disconnect/",
        views.connected_app_disconnect,
        name="connected_app_disconnect",
    ),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/download/", views.my_data_download, name="my_data_download"),
    path("me/delete/", views.erase_account, name="erase_account"),
]
