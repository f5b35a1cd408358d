from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("flag/<str:kind>/<int:object_id>/", views.flag, name="flag"),
    path("case/<str:kind>/<int:object_id>/", views.case_detail, name="case"),
    path("case/<str:kind>/<int:object_id>/hide/", views.hide, name="hide"),
    path("case/<str:kind>/<int:object_id>/restore/", views.restore, name="restore"),
    path("case/<str:kind>/<int:object_id>/block-author/", views.block_author, name="block_author"),
    path("users/", views.blocked_users, name="blocked_users"),
    path("users/<uuid:public_id>/block/", views.block_user, name="block_user"),
    path("users/<uuid:public_id>/unblock/", views.unblock_user, name="unblock_user"),
    path("appeals/<int:pk>/decide/", views.decide_appeal, name="decide_appeal"),
    path("appeal/", views.appeal, name="appeal"),
]
