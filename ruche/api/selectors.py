"""Reads of API tokens."""

import hashlib

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


def oauth_token_for_secret(raw: str):
    """A live OAuth access token (django-oauth-toolkit's, issued to a Mastodon app), owner active."""
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    if not raw or len(raw) > 255:
        return None
    return (
        AccessToken.objects.select_related("user")
        .filter(token_checksum=hashlib.sha256(raw.encode()).hexdigest(), user__is_active=True)
        .filter(expires__gt=timezone.now())
        .first()
    )


def personal_token_owner(raw: str):
    """Provides accounts.selectors.personal_token_owner (for the Mastodon API): the token's owner, its
    use noted as the API notes it."""
    from ruche.api.services import api_token_note_use

    found = token_for_secret(raw)
    if found is None:
        return None
    api_token_note_use(found)
    return found.user


# Small reads the API needs that the HTML views do inline (no selector of theirs to reuse) -------------


def post_with_author(pk: int):
    """A post just written by the caller, with what PostCore shows of its author."""
    from ruche.posts.models import Post

    return Post.objects.select_related("author", "author__profile").get(pk=pk)


def vote_count_of(answer_id: int) -> int:
    from ruche.posts.models import Post

    return Post.objects.values_list("vote_count", flat=True).get(pk=answer_id)


def active_people(ids: list[int]) -> list:
    """Active colleagues among these ids (unknown ids are left out), as the experts form takes them."""
    from ruche.accounts.models import PEOPLE, User

    return list(User.objects.filter(PEOPLE, pk__in=ids, is_active=True).select_related("profile"))
