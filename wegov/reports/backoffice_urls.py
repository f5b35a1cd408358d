"""The staff back office for problem reports and the public accountability page.

Mounted at the site root: paths under /staff/reports/ and /reports/accountability/.
"""

from django.urls import path

from . import views_staff

app_name = "backoffice"

urlpatterns = [
    path("staff/reports/", views_staff.queue, name="queue"),
    path("staff/reports/bulk/", views_staff.bulk_status, name="bulk_status"),
    path("staff/reports/new/", views_staff.file_on_behalf, name="file_on_behalf"),
    path("staff/reports/<int:pk>/", views_staff.report_detail, name="detail"),
    path("staff/reports/<int:pk>/status/", views_staff.change_status, name="change_status"),
    path("staff/reports/<int:pk>/update/", views_staff.add_update, name="add_update"),
    path("staff/reports/<int:pk>/reassign/", views_staff.reassign, name="reassign"),
    path("staff/reports/<int:pk>/duplicate/", views_staff.mark_duplicate, name="mark_duplicate"),
    path("staff/reports/<int:pk>/visibility/", views_staff.visibility, name="visibility"),
    path("reports/accountability/", views_staff.accountability, name="accountability"),
]
