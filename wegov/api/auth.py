from ninja.security import HttpBearer, SessionAuth


class TokenAuth(HttpBearer):
    """``Authorization: Bearer wgv_...`` with a personal API token."""

    openapi_description = "A personal API token, created on your profile's API tokens page."

    def authenticate(self, request, token):
        from wegov.accounts.services import token_authenticate

        user = token_authenticate(token)
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
# Reading with either; managing credentials only from a real browser session.
session_or_token = [session_auth, token_auth]
# Public reads that say more to a signed-in user (e.g. "followed only").
session_token_or_anyone = [session_auth, token_auth, anyone]

__all__ = ["session_auth", "session_or_token", "session_token_or_anyone", "token_auth"]
