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


session_auth = ActiveSessionAuth()
token_auth = TokenAuth()
# Reading with either; managing credentials only from a real browser session.
session_or_token = [session_auth, token_auth]

__all__ = ["session_auth", "session_or_token", "token_auth"]
