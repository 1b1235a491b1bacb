"""Who is calling: a personal token (`Authorization: Bearer …`) or the browser's session (with CSRF).

Django-ninja tries these in order. A presented token that opens nothing is a 401 at once (no fall back
to the session), so a script with a revoked token is told so. The session is checked for CSRF only once
a signed-in person is found: an anonymous call is a 401, not a CSRF failure.
"""

import contextlib

from django.utils import translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from ruche.api import selectors, services
from ruche.core.views import unwrapped


class TokenAuth(HttpBearer):
    def __call__(self, request):
        value = request.headers.get(self.header)
        if value is not None and not value.lower().startswith("bearer "):
            return None  # another scheme: not ours
        return super().__call__(request)

    def authenticate(self, request, token: str):
        found = selectors.token_for_secret(token.strip())
        if found is None:
            return self._oauth(request, token.strip())
        user = found.user
        services.api_token_note_use(found)
        return self._signed_in(request, user, found)

    def _oauth(self, request, secret: str):
        """An OAuth access token a Mastodon app obtained (ruche.mastodon) opens this API too: reading
        needs its `read` scope, anything else `write` (docs/api.md)."""
        grant = selectors.oauth_token_for_secret(secret)
        if grant is None or grant.user is None:
            raise AuthenticationError(
                401, _("This API token is not valid (unknown, revoked, or its owner left).")
            )
        needed = "read" if request.method in {"GET", "HEAD", "OPTIONS"} else "write"
        if needed not in grant.scope.split():
            raise HttpError(
                403, _("This token's scopes do not allow this (it needs “%(scope)s”).") % {"scope": needed}
            )
        return self._signed_in(request, grant.user, None)

    def _signed_in(self, request, user, found):
        # The rest of the request sees the token's owner as the session's user would be seen.
        request.user = user
        request.api_token = found
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        from ruche.accounts.middleware import LastSeenMiddleware

        LastSeenMiddleware(lambda _request: None)(request)
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser: its session cookie, and the CSRF token for unsafe methods."""

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)  # says so to the docs page, which then sends the CSRF header

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)  # CSRF is checked below, once someone is signed in

    def authenticate(self, request, key):
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403, _("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie.")
            )
        return unwrapped(user)


def bearer_language(request) -> str | None:
    """The language of the token's owner, for an error answered before any operation authenticates
    the call (an unknown path, a refused input). Read only then: it costs a query."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    found = selectors.token_for_secret(secret.strip())
    return found.user.language if found is not None and found.user.language else None


@contextlib.contextmanager
def callers_language(request):
    """Messages in the language of the token's owner when a token is presented; else as the
    middleware chose (the signed-in person's, or Accept-Language)."""
    language = bearer_language(request)
    with translation.override(language) if language else contextlib.nullcontext():
        yield


token_auth = TokenAuth()
session_auth = SessionAuth()
AUTH = [token_auth, session_auth]
