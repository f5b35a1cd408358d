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
