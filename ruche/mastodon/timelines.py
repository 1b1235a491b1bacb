"""Mastodon's timelines, read through Ruche's own feeds (docs/api.md, "Use your favourite Mastodon
app"): home is `feed.selectors.home_feed` (the home page's posts, in its order), public is
`posts.selectors.company_feed` (what every colleague may read, and what the reader may read of
their communities, as the company feed page), tag is `tag_feed`, list is a community's feed
(`lists.py`). Every selector pages by post id (`before=`), so Mastodon's cursors map onto it:
`max_id` is `before`, `since_id` keeps the newest page above it, and `min_id` (the page right
after it, for a client catching up) walks the feed down to it, a bounded number of pages.
"""

from django.http import Http404, JsonResponse

from ruche.core.text import fold
from ruche.feed.selectors import home_feed
from ruche.mastodon import pagination, serializers
from ruche.mastodon.endpoint import endpoint
from ruche.posts.selectors import access_hashtag, company_feed, tag_feed

# How far `min_id` walks down a feed (pages of `limit` posts) before it gives up and answers the
# oldest page it reached: a client that far behind reloads from the top anyway.
MIN_ID_PAGES = 10


def feed_page(request, fetch) -> list:
    """The posts of a page of a feed, newest first: `fetch(before=, size=)` is the feed's selector
    (a `core.pagination.Page`, hydrated for the reader)."""
    limit = pagination.limit_of(request)
    get = request.GET.get
    max_id, since_id, min_id = (pagination.as_id(get(name)) for name in ("max_id", "since_id", "min_id"))
    if since_id is None and min_id is not None:
        return _after(fetch, limit, max_id, min_id)
    posts = list(fetch(before=max_id, size=limit).items)
    return [p for p in posts if since_id is None or p.pk > since_id]


def _after(fetch, limit: int, before: int | None, min_id: int) -> list:
    """The `limit` posts right above `min_id` (oldest of them first in Mastodon's sense: the page
    nearest `min_id`), newest first."""
    newer: list = []
    for _ in range(MIN_ID_PAGES):
        page = fetch(before=before, size=limit)
        newer += [p for p in page.items if p.pk > min_id]
        if page.next_cursor is None or page.next_cursor <= min_id:
            break
        before = page.next_cursor
    return newer[-limit:]


def with_places(posts: list) -> list:
    """Load the authors' departments and sites (the Account's fields) in two queries for the page:
    the feeds load authors with their profile only (CARD_RELATED)."""
    from ruche.accounts.models import Department, Site

    profiles = [
        profile
        for post in posts
        for author in (
            post.author,
            post.shared_post.author if post.shared_post_id and post.shared_post else None,
        )
        if author is not None and (profile := getattr(author, "profile", None)) is not None
    ]
    for model, field in ((Department, "department"), (Site, "site")):
        ids = {getattr(p, f"{field}_id") for p in profiles} - {None}
        found = model.objects.in_bulk(ids) if ids else {}
        for profile in profiles:
            if getattr(profile, f"{field}_id") in found:
                setattr(profile, field, found[getattr(profile, f"{field}_id")])
    return posts


def answer(request, posts: list) -> JsonResponse:
    if _flag(request, "only_media"):
        posts = [p for p in posts if getattr(p, "files", None)]
    with_places(posts)
    data = serializers.statuses(posts, viewer=request.user, request=request)
    shown = {int(status["id"]) for status in data}
    return pagination.paged_response(request, [p for p in posts if p.pk in shown], data)


def _flag(request, name: str) -> bool:
    return str(request.params.get(name, "")).lower() in {"1", "true", "on"}


@endpoint(scopes=("read:statuses",))
def home(request):
    user = request.user
    return answer(request, feed_page(request, lambda before, size: home_feed(user, before=before, size=size)))


@endpoint(scopes=("read:statuses",))
def public(request):
    """Everyone is on this server: `local` changes nothing, `remote` finds nothing."""
    if _flag(request, "remote"):
        return JsonResponse([], safe=False)
    user = request.user
    return answer(
        request, feed_page(request, lambda before, size: company_feed(user, before=before, size=size))
    )


@endpoint(scopes=("read:statuses",))
def tag(request, hashtag: str):
    """A hashtag nobody may read here is answered like an unknown one: an empty timeline."""
    if _flag(request, "remote"):
        return JsonResponse([], safe=False)
    user = request.user
    try:
        found = access_hashtag(user, fold(hashtag.lstrip("#"))[:50])
    except Http404:
        return JsonResponse([], safe=False)
    return answer(
        request, feed_page(request, lambda before, size: tag_feed(user, found, before=before, size=size))
    )
