"""The OpenID Connect provider's public endpoints, mounted under ``/o/``.

Only the protocol endpoints that client applications and citizens need are
exposed. Django OAuth Toolkit's own management pages (``applications/``,
``authorized_tokens/``), dynamic client registration and the device flow are
left out on purpose: administrators register client applications in the
Django admin, which requires an administrator session that passed MFA.

RP-initiated logout (``logout/``) is not mounted: it is switched off in
``OAUTH2_PROVIDER`` (``OIDC_RP_INITIATED_LOGOUT_ENABLED`` defaults to False)
and would need its own styled confirmation template.

The URL names match DOT's (namespace ``oauth2_provider``), so the discovery
document and ``reverse()`` keep working.
"""

from django.urls import path, re_path
from oauth2_provider import views

app_name = "oauth2_provider"

urlpatterns = [
    # OAuth 2.0 protocol endpoints
    path("authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", views.IntrospectTokenView.as_view(), name="introspect"),
    # RFC 8414 metadata at the issuer + /.well-known/oauth-authorization-server.
    # Besides serving OAuth-only clients, its presence makes DOT derive the RFC
    # 9207 ``iss`` of authorization responses as ``<site>/o``, the same issuer as
    # the OpenID Connect discovery document (without it ``iss`` is the bare site
    # root, and clients that check ``iss`` reject the response).
    path(
        ".well-known/oauth-authorization-server",
        views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    # OpenID Connect endpoints. The discovery document has no trailing slash
    # (OpenID Connect Discovery 1.0 §4); the slash form is accepted as DOT does.
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", views.UserInfoView.as_view(), name="user-info"),
]
