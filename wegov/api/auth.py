from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    """``Authorization: Bearer wgv_...`` with a personal API token."""

    openapi_description = "A personal API token, created on your profile's API tokens page."

    def authenticate(self, request, token):
        from wegov.accounts.services import SecondFactorRequired, token_authenticate

        try:
            user = token_authenticate(token)
        except SecondFactorRequired as exc:
            raise HttpError(403, str(SecondFactorRequired.message)) from exc
        if user is None:
            return None
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser session (with CSRF protection on unsafe methods)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.is_active:
            return user
        return None


def anyone(request):
    """Public reads: a visitor with no session or token is an anonymous user."""
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


session_auth = ActiveSessionAuth()
token_auth = TokenAuth()
# The token comes first: the session check raises 403 on a missing CSRF token rather than
# passing, so a write with only ``Authorization: Bearer`` never reached the token. A request
# without a valid token still meets the session and its CSRF check. Managing credentials
# takes the session alone.
session_or_token = [token_auth, session_auth]
# Public reads that say more to a signed-in user (e.g. "followed only").
session_token_or_anyone = [token_auth, session_auth, anyone]

__all__ = ["session_auth", "session_or_token", "session_token_or_anyone", "token_auth"]
