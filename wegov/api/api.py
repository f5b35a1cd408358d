"""The HTTP API root. Each app contributes a router under /api/v1/."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError

from wegov.accountability.api import router as accountability_router
from wegov.accounts.api import router as accounts_router
from wegov.basemap.api import router as basemap_router
from wegov.budgeting.api import router as budgeting_router
from wegov.comments.api import router as comments_router
from wegov.datalayers.api import router as datalayers_router
from wegov.debates.api import router as debates_router
from wegov.mapview.api import router as mapview_router
from wegov.moderation.api import router as moderation_router
from wegov.opendata.api import router as opendata_router
from wegov.opinions.api import router as opinions_router
from wegov.osm.api import router as osm_router
from wegov.places.api import router as places_router
from wegov.processes.api import router as processes_router
from wegov.proposals.api import router as proposals_router
from wegov.residency.api import router as residency_router
from wegov.social.api import router as social_router
from wegov.voting.api import router as voting_router

from .auth import session_or_token

api = NinjaAPI(
    title="WeGov API",
    version="1",
    description=(
        "Read and write WeGov with a browser session (CSRF-protected) or a personal API "
        'token sent as `Authorization: Bearer wgv_...`. Errors are JSON: `{"detail": ...}`.'
    ),
    auth=session_or_token,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def django_validation_error(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else " ".join(exc.messages)
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "Permission denied."}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "Authentication required: log in or send a valid API token."},
        status=401,
    )


@api.exception_handler(SchemaValidationError)
def schema_validation_error(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


api.add_router("/v1/", accounts_router)
api.add_router("/v1/processes/", processes_router)
api.add_router("/v1/proposals/", proposals_router)
api.add_router("/v1/budgets/", budgeting_router)
api.add_router("/v1/debates/", debates_router)
api.add_router("/v1/results/", accountability_router)
api.add_router("/v1/voting/", voting_router)
api.add_router("/v1/comments/", comments_router)
api.add_router("/v1/moderation/", moderation_router)
api.add_router("/v1/me/", social_router)
api.add_router("/v1/", residency_router)
api.add_router("/v1/map/", mapview_router)
api.add_router("/v1/places/", places_router)
api.add_router("/v1/layers/", datalayers_router)
api.add_router("/v1/geocoding/", osm_router)
api.add_router("/v1/basemap/", basemap_router)
api.add_router("/v1/opendata/", opendata_router)
api.add_router("/v1/conversations/", opinions_router)
