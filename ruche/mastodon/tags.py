"""Mastodon's tags (docs.joinmastodon.org/methods/tags/): Ruche's hashtags, followed through its
services. A hashtag used only where the caller cannot read does not exist for them (404), as on its
page (`posts.selectors.access_hashtag`, `visible_hashtags`)."""

from django.http import JsonResponse

from ruche.core.text import fold
from ruche.mastodon.endpoint import endpoint
from ruche.mastodon.pagination import page, paged_response
from ruche.posts import services as post_services
from ruche.posts.models import Hashtag, HashtagFollow
from ruche.posts.policies import visible_hashtags
from ruche.posts.selectors import access_hashtag, followed_hashtag_ids


def tag_json(hashtag, *, following: bool, request) -> dict:
    return {
        "id": str(hashtag.pk),
        "name": hashtag.name,
        "url": request.build_absolute_uri(hashtag.get_absolute_url()),
        "history": [],
        "following": following,
    }


def tags_json(hashtags, *, viewer, request) -> list[dict]:
    followed = followed_hashtag_ids(viewer)
    return [tag_json(t, following=t.pk in followed, request=request) for t in hashtags]


def _hashtag(request, name: str):
    return access_hashtag(request.user, fold(name.lstrip("#"))[:50])


@endpoint(scopes=("read",))
def tag_get(request, name: str):
    hashtag = _hashtag(request, name)
    return JsonResponse(tags_json([hashtag], viewer=request.user, request=request)[0])


@endpoint(methods=("POST",), scopes=("write:follows",))
def tag_follow(request, name: str):
    hashtag = _hashtag(request, name)
    post_services.hashtag_follow(user=request.user, hashtag=hashtag)
    return JsonResponse(tag_json(hashtag, following=True, request=request))


@endpoint(methods=("POST",), scopes=("write:follows",))
def tag_unfollow(request, name: str):
    hashtag = _hashtag(request, name)
    post_services.hashtag_unfollow(user=request.user, hashtag=hashtag)
    return JsonResponse(tag_json(hashtag, following=False, request=request))


@endpoint(scopes=("read:follows",))
def followed_tags(request):
    shown = visible_hashtags(request.user, Hashtag.objects.all())
    follows = HashtagFollow.objects.filter(user=request.user, hashtag__in=shown).select_related("hashtag")
    rows = page(request, follows)
    data = [tag_json(row.hashtag, following=True, request=request) for row in rows]
    return paged_response(request, rows, data)


def routes() -> list:
    from ruche.mastodon.urls import api

    return [
        *api("api/v1/tags/<str:name>", tag_get, "tag"),
        *api("api/v1/tags/<str:name>/follow", tag_follow, "tag_follow"),
        *api("api/v1/tags/<str:name>/unfollow", tag_unfollow, "tag_unfollow"),
        *api("api/v1/followed_tags", followed_tags, "followed_tags"),
    ]
