"""Who a bearer token speaks for, and with which scopes.

Two kinds of tokens open the Mastodon API: an OAuth access token (django-oauth-toolkit's
`AccessToken`, with the scopes the person granted the app) and a personal token from the "API
tokens" page (all scopes: it does whatever its owner may do). Ruche's own API (ruche.api) reads the
OAuth tokens too, through `oauth_token_for_secret` in django-oauth-toolkit's model directly.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import AccessToken

from ruche.accounts.selectors import personal_token_owner
from ruche.mastodon import scopes as mastodon_scopes

USE_NOTED_EVERY = timedelta(hours=1)
ALL_SCOPES = frozenset({"read", "write", "follow", "push", "profile"})


@dataclass(frozen=True)
class Bearer:
    user: object
    scopes: frozenset[str]
    access_token: AccessToken | None  # None for a personal token

    def grants(self, scope: str) -> bool:
        return mastodon_scopes.grants(set(self.scopes), scope)


def oauth_token_for_secret(raw: str) -> AccessToken | None:
    """The live OAuth token a secret opens (owner active, not expired, app still there)."""
    if not raw or len(raw) > 255:
        return None
    token = (
        AccessToken.objects.select_related("user", "application")
        .filter(token_checksum=hashlib.sha256(raw.encode()).hexdigest(), user__is_active=True)
        .filter(expires__gt=timezone.now())
        .first()
    )
    return token


def _note_use(token: AccessToken) -> None:
    """ "Last used" on /me/apps/: the token's `updated`, written at most once an hour."""
    now = timezone.now()
    if now - token.updated > USE_NOTED_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(updated=now)


def bearer_for(request) -> Bearer | None:
    """The bearer of `Authorization: Bearer …`, or None (no header, or a secret that opens nothing)."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    token = oauth_token_for_secret(secret)
    if token is not None:
        _note_use(token)
        if token.user is None:  # client_credentials: the app itself, no person
            return Bearer(user=None, scopes=frozenset(token.scope.split()), access_token=token)
        return Bearer(user=token.user, scopes=frozenset(token.scope.split()), access_token=token)
    owner = personal_token_owner(secret)
    if owner is not None:
        return Bearer(user=owner, scopes=ALL_SCOPES, access_token=None)
    return None
