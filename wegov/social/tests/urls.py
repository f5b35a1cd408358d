"""The site's URLs with the public profile resolved by ``social`` first.

Until ``accounts`` drops its own ``people/<uuid>/`` route (the social profile
replaces it), this keeps the tests on the social view; afterwards it changes
nothing.
"""

from django.urls import path

from wegov.social import views
from wegov.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("people/<uuid:public_id>/", views.profile),
    *site_urlpatterns,
]
