"""Mastodon's search v2 (docs.joinmastodon.org/methods/search/) through Ruche's search
(`ruche.search.selectors.search_kind`): the same index, the same visibility as the search page.

`type` accounts | statuses | hashtags (none: all three); `limit` (20, at most 40) and `offset`;
`resolve` is ignored (nothing lives on another server). Statuses are Ruche's posts, questions and
replies; a hashtag the caller cannot know is never found.
"""

from django.http import JsonResponse

from ruche.accounts.models import User
from ruche.mastodon import serializers
from ruche.mastodon.endpoint import endpoint
from ruche.mastodon.pagination import as_id, limit_of
from ruche.mastodon.tags import tags_json
from ruche.posts.models import Post
from ruche.posts.selectors import CARD_RELATED
from ruche.search.documents import Kind
from ruche.search.query import QueryError, parse
from ruche.search.selectors import POST_KINDS, Filters, search_kind

PERSON = ("profile", "profile__department", "profile__site")


def _hits(viewer, kinds, terms, *, limit: int, offset: int) -> list:
    """One page of hits over these kinds, best first (each kind ranked by the search itself)."""
    hits = []
    for kind in kinds:
        hits += search_kind(viewer, kind, terms, Filters(kind=kind), size=offset + limit).hits
    hits.sort(key=lambda hit: (-hit.score, -hit.object.pk))
    return [hit.object for hit in hits[offset : offset + limit]]


@endpoint(scopes=("read:search",))
def search_v2(request):
    p = request.params
    wanted = p.get("type") or ""
    limit, offset = limit_of(request), as_id(p.get("offset")) or 0
    answer = {"accounts": [], "statuses": [], "hashtags": []}
    try:
        terms = parse(str(p.get("q", "")))
    except QueryError:
        return JsonResponse(answer)
    viewer = request.user
    if wanted in {"", "accounts"}:
        found = _hits(viewer, [Kind.PERSON], terms, limit=limit, offset=offset)
        people = User.objects.select_related(*PERSON).in_bulk([u.pk for u in found])
        answer["accounts"] = serializers.accounts([people[u.pk] for u in found], request=request)
    if wanted in {"", "statuses"}:
        found = _hits(viewer, POST_KINDS, terms, limit=limit, offset=offset)
        posts = Post.objects.select_related(*CARD_RELATED).in_bulk([p.pk for p in found])
        answer["statuses"] = serializers.statuses(
            [posts[p.pk] for p in found], viewer=viewer, request=request
        )
    if wanted in {"", "hashtags"}:
        found = _hits(viewer, [Kind.HASHTAG], terms, limit=limit, offset=offset)
        answer["hashtags"] = tags_json(found, viewer=viewer, request=request)
    return JsonResponse(answer)


def routes() -> list:
    from ruche.mastodon.urls import api

    return [*api("api/v2/search", search_v2, "search_v2")]
