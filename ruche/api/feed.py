"""Feeds: the home feed, the company feed, a hashtag's posts."""

from django.http import HttpResponse
from ninja import Query, Router

from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import HashtagFollowOut, HashtagPage, PageQuery, PostPage
from ruche.feed.selectors import home_feed
from ruche.posts import selectors, services

router = Router(tags=["feed"])


@router.get("/", response={200: PostPage, **READ_ERRORS}, summary="Home feed")
def home(request, params: Query[PageQuery]):
    """Posts from the people, communities and hashtags you follow, newest first; each post says why it
    is there (`feed_reason`)."""
    return home_feed(request.auth, before=params.before, size=params.limit)


@router.get("/company", response={200: PostPage, **READ_ERRORS}, summary="Company feed")
def company(request, params: Query[PageQuery]):
    """Everything you may read, newest first."""
    return selectors.company_feed(request.auth, before=params.before, size=params.limit)


@router.get("/saved", response={200: PostPage, **READ_ERRORS}, summary="Saved posts")
def saved(request, params: Query[PageQuery]):
    """The posts you saved for later and may still read, newest post first."""
    return selectors.saved_feed(request.auth, before=params.before, size=params.limit)


@router.get("/hashtags/{key}", response={200: HashtagPage, **READ_ERRORS}, summary="A hashtag's posts")
def hashtag(request, key: str, params: Query[PageQuery]):
    tag = selectors.access_hashtag(request.auth, key)
    page = selectors.tag_feed(request.auth, tag, before=params.before, size=params.limit)
    tag.following = tag.pk in selectors.followed_hashtag_ids(request.auth)
    return {"hashtag": tag, "items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/hashtags/{key}/follow", response={200: HashtagFollowOut, **WRITE_ERRORS}, summary="Follow a hashtag"
)
def follow_hashtag(request, key: str):
    """Its posts will come to your home feed."""
    services.hashtag_follow(user=request.auth, hashtag=selectors.access_hashtag(request.auth, key))
    return {"following": True}


@router.delete(
    "/hashtags/{key}/follow", response={204: None, **WRITE_ERRORS}, summary="Stop following a hashtag"
)
def unfollow_hashtag(request, key: str):
    services.hashtag_unfollow(user=request.auth, hashtag=selectors.access_hashtag(request.auth, key))
    return HttpResponse(status=204)
