"""Feeds: the home feed, the company feed, a hashtag's posts."""

import json

from django.http import HttpResponse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder

from ruche.announcements.selectors import received as announcements_received
from ruche.api import cards
from ruche.api.announcements import ReceivedOut
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import HashtagFollowOut, HashtagPage, PageQuery, PostOut, PostPage
from ruche.feed import memo
from ruche.feed.choices import Choice, Cursor, read_choice
from ruche.feed.selectors import feed_page, loaded
from ruche.feed.services import feed_opened
from ruche.posts import selectors, services

router = Router(tags=["feed"])


class FeedQuery(PageQuery):
    filter: str | None = Field(
        None, description="all, following, communities, questions, announcements, unread"
    )
    order: str | None = Field(None, description="recent or relevant")
    cursor: str | None = Field(None, max_length=60, description="`next_cursor` of the previous page")


class FeedOut(Schema):
    filter: str
    order: str
    notice: str | None = Field(description="Why the first page is shown: an unknown filter, order or cursor")
    items: list[PostOut]
    announcements: list[ReceivedOut] | None = Field(description="The announcements filter's items")
    next_cursor: str | None


@router.get("/", response={200: FeedOut, **READ_ERRORS}, summary="Home feed")
def home(request, params: Query[FeedQuery]):
    """Posts from the people, communities and hashtags you follow, filtered and ordered as asked
    (else as you chose last, on the home page or here). Each post says why it is there (`why`,
    `feed_reason`). An unknown filter or order, or a cursor made for another filter or order, gives
    the first page and a `notice`, never an error."""
    user = request.auth
    reading = read_choice(
        Choice(user.feed_filter, user.feed_order),
        filter=params.filter,
        order=params.order,
        cursor=params.cursor,
        before=params.before,
    )
    if reading.cursor is None:
        feed_opened(user, choice=reading.choice, explicit=reading.explicit)
    answer = {"filter": reading.choice.filter, "order": reading.choice.order, "notice": reading.problem}
    if reading.choice.filter == "announcements":
        before = reading.cursor.id if reading.cursor else None
        received = announcements_received(user, before=before, size=params.limit)
        cursor = received.next_cursor and Cursor("", received.next_cursor).encode(reading.choice)
        return answer | {"items": [], "announcements": received.items, "next_cursor": cursor}
    # The first page is kept for its reader while nothing it shows changes (ruche/feed/memo.py).
    key = (
        None
        if reading.cursor or reading.problem
        else ("api", user.pk, request.get_full_path(), get_language())
    )
    if key and (kept := memo.find(key, user.pk)):
        return HttpResponse(kept.body, content_type="application/json")
    before = memo.read_stamp(user.pk) if key else None
    # The posts' objects are kept (ruche/api/cards.py): already validated and serialised, they are
    # written as they are, as the schema's validation would write them (tests/api/test_feed_cards.py).
    page = feed_page(user, reading, size=params.limit, known=cards.store)
    items = [data for data in (_item(post, user) for post in page.items) if data is not None]
    answer |= {"items": items, "announcements": None, "next_cursor": page.next_cursor}
    body = json.dumps(answer, cls=NinjaJSONEncoder).encode()
    if key and memo.keepable(page.items):
        memo.keep(key, before, page.items, body, until=page.until)
    return HttpResponse(body, content_type="application/json")


def _item(post, user) -> dict | None:
    data = cards.item(post, user)
    if data is None:  # a kept object forgotten since the feed found it: the post is loaded
        post = loaded(user, post)
        data = post and cards.item(post, user)
    return data


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
