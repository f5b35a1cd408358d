import datetime as dt
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from wegov.api.auth import session_auth

from . import services
from .models import ApiToken
from .rules import session_passed_mfa

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: UUID = Field(alias="public_id")
    display_name: str = Field(alias="public_name")
    email: str
    preferred_language: str
    verified_resident: bool = Field(alias="is_verified_resident")


class TokenOut(Schema):
    id: int
    name: str
    starts_with: str = Field(alias="key_prefix")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool = Field(alias="is_active")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    expires_at: dt.datetime | None = None


class TokenCreatedOut(TokenOut):
    key: str


class ErrorOut(Schema):
    detail: str | dict | list


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The signed-in user")
def me(request):
    return request.auth


@router.get(
    "/tokens",
    response={200: list[TokenOut], 401: ErrorOut},
    auth=session_auth,
    summary="Your personal API tokens",
)
def list_tokens(request):
    return list(ApiToken.objects.filter(user=request.auth))


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    auth=session_auth,
    summary="Create a token (the key is shown only in this response)",
)
def create_token(request, payload: TokenIn):
    token, key = services.token_create(
        actor=request.auth,
        name=payload.name,
        expires_at=payload.expires_at,
        second_factor=session_passed_mfa(request),
    )
    token.key = key  # the secret, returned this once
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, 401: ErrorOut, 404: ErrorOut},
    auth=session_auth,
    summary="Revoke a token",
)
def revoke_token(request, token_id: int):
    try:
        return services.token_revoke(actor=request.auth, token_id=token_id)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
