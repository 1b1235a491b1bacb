"""The home feed's posts in JSON, validated and serialised once for every reader, then completed for
each one: ruche/web/cards.py's idea for the API. A post's object (`PostOut`) is the same for every
reader who may read it but for `saved`, `my_reaction` (its own and its replies'), `feed_reason` and
`why`; it is kept under the post's version (ruche/posts/kept.py) and the communities the reader may
know of, as plain JSON values (dates already written as the API writes them)."""

import json

from django.utils import timezone
from django.utils.translation import get_language
from ninja.responses import NinjaJSONEncoder

from ruche.api.schemas import PostOut
from ruche.posts.kept import KeptPost, Store, keepable


def _variant(shown: tuple[int, ...]) -> tuple:
    return (get_language(), timezone.get_current_timezone_name(), shown)


store = Store(_variant)


def item(post, viewer) -> dict | None:
    """The post's object for this reader; None for a KeptPost forgotten since the feed found it."""
    if isinstance(post, KeptPost):
        shared = store.get(post.pk, post.created, post.version, post.shown)
        return None if shared is None else _completed(shared, post)
    data = plain(PostOut.from_orm(post).model_dump())
    if keepable(post, viewer):
        store.keep(post, tuple(c.pk for c in post.communities), data)
    return data


def plain(data):
    """JSON values, written as the API's renderer writes them (dates, decimals...)."""
    return json.loads(json.dumps(data, cls=NinjaJSONEncoder))


def _completed(shared: dict, post: KeptPost) -> dict:
    replies = [
        {**r, "my_reaction": mine.my_reaction}
        for r, mine in zip(shared["replies"], post.replies, strict=True)
    ]
    personal = {
        "saved": post.saved,
        "my_reaction": post.my_reaction,
        "feed_reason": post.feed_reason,
        "why": str(post.why) if post.why else None,
        "replies": replies,
    }
    return shared | personal
