from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from wegov.api.api import api
from wegov.core import views as core_views

urlpatterns = [
    # First: the API's GeoJSON answers are its busiest, and each pattern tried costs.
    path("api/", api.urls),
    path("", include("wegov.core.urls")),
    path("", include("wegov.accounts.urls")),
    path("", include("wegov.residency.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("wegov.reports.backoffice_urls")),
    path("reports/", include("wegov.reports.urls")),
    path("open311/v2/", include("wegov.reports.open311_urls")),
    path("processes/", include("wegov.processes.urls")),
    path("processes/<slug:process_slug>/proposals/", include("wegov.proposals.urls")),
    path("processes/<slug:process_slug>/debates/", include("wegov.debates.urls")),
    path("results/", include("wegov.accountability.urls")),
    path("budgets/", include("wegov.budgeting.urls")),
    path("processes/<slug:process_slug>/polls/", include("wegov.voting.urls")),
    path("conversations/", include("wegov.opinions.urls")),
    path("comments/", include("wegov.comments.urls")),
    path("moderation/", include("wegov.moderation.urls")),
    path("", include("wegov.social.urls")),
    path("", include("wegov.places.urls")),
    path("map/", include("wegov.mapview.urls")),
    path("layers/", include("wegov.datalayers.urls")),
    path("osm/", include("wegov.osm.urls")),
    path("basemap/", include("wegov.basemap.urls")),
    path("opendata/", include("wegov.opendata.urls")),
    path("o/", include("wegov.accounts.oidc_urls", namespace="oauth2_provider")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

if not settings.PRODUCTION:
    # Uploaded files; in production the reverse proxy or object storage serves them.
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

handler400 = "wegov.core.views.bad_request"
handler403 = "wegov.core.views.permission_denied"
handler404 = "wegov.core.views.page_not_found"
handler500 = "wegov.core.views.server_error"
