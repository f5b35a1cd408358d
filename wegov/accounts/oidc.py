from oauth2_provider.oauth2_validators import OAuth2Validator


class WeGovOIDCValidator(OAuth2Validator):
    """Claims released to the city's other applications.

    ``sub`` is the user's stable public id (never the database id), so client
    applications cannot enumerate accounts. The email is released only with
    the ``email`` scope, which the citizen sees on the consent screen.
    """

    oidc_claim_scope = {
        "sub": "openid",
        "name": "profile",
        "preferred_username": "profile",
        "locale": "profile",
        "email": "email",
        "email_verified": "email",
    }

    def get_claim_dict(self, request):
        return {"sub": str(request.user.public_id), **self.get_additional_claims(request)}

    def get_discovery_claims(self, request):
        # DOT lists only "sub" when get_additional_claims() takes the request.
        return list(self.oidc_claim_scope)

    def get_additional_claims(self, request):
        from allauth.account.models import EmailAddress

        user = request.user
        return {
            "name": user.public_name,
            "preferred_username": user.public_name,
            "locale": user.preferred_language,
            "email": user.email,
            "email_verified": EmailAddress.objects.filter(
                user=user, email__iexact=user.email, verified=True
            ).exists(),
        }

    # An account that was deactivated or erased must not obtain or use tokens,
    # even with a code, refresh token or access token issued before. (Erasure
    # also deletes the grants and tokens; deactivation by an administrator
    # does not.)
    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        return valid and _is_active(request.user)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return valid and _is_active(request.user)

    def validate_bearer_token(self, token, scopes, request):
        valid = super().validate_bearer_token(token, scopes, request)
        return valid and _is_active(request.user)


def _is_active(user) -> bool:
    return bool(user is not None and user.is_active and not getattr(user, "erased_at", None))
