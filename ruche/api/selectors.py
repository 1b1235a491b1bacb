"""Reads of API tokens."""

from django.http import Http404

from ruche.api.models import ApiToken
from ruche.api.services import hash_token


def tokens_of(user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("revoked_at", "-id")[:100])


def token_of(user, pk: int) -> ApiToken:
    """One of the user's tokens; 404 for anyone else's."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise Http404
    return token


def token_for_secret(raw: str) -> ApiToken | None:
    """The live token a secret opens (its owner loaded and still active); None when it opens nothing."""
    if not raw or len(raw) > 200:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
