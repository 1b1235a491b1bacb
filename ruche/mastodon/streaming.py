"""Mastodon's streaming API as Server-Sent Events (`/api/v1/streaming/user`, `/public`,
`/public/local`, `/hashtag?tag=`, `/list?list=`, `/health`), served by a lean async handler as
`/events/` is (config/asgi.py routes the prefix here), on Ruche's realtime hub.

Ruche's realtime events carry ids, never content: each event is turned into Mastodon's payload for
THIS reader, by the same serializers as the timelines, so visibility is asked again for each reader
(`serializers.statuses` → `posts.selectors.hydrate` → `visible_posts`). The hub already delivers
only the reader's own events and the channels of what they may read (realtime/policies.py).

Events: `update` (a status, JSON), `delete` (a status id), `status.update` (an edited status),
`notification` (a Notification). A comment every heartbeat keeps proxies from closing the stream.
The token comes from `Authorization: Bearer` or `?access_token=` (browsers' EventSource cannot set
headers), as Mastodon allows.
"""

import asyncio
import json
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIHandler
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse

from ruche.mastodon import serializers
from ruche.mastodon.tokens import bearer_for
from ruche.realtime import events, policies
from ruche.realtime.broadcast import Connection, get_hub
from ruche.realtime.views import in_thread

PREFIX = "/api/v1/streaming"
STREAMS = {"user", "user:notification", "public", "public:local", "hashtag", "hashtag:local", "list"}


def stream_of(path: str, query) -> str | None:
    """The stream a path names (`/api/v1/streaming/public/local` → `public:local`; the bare prefix
    reads `?stream=`), or None."""
    rest = path.removeprefix(PREFIX).strip("/")
    name = rest.replace("/", ":") if rest else query.get("stream", "")
    return name if name in STREAMS or name == "health" else None


class Reader:
    """What one stream needs to build its frames: the reader, the stream and where it stands."""

    def __init__(self, request, user, stream: str, tag=None, community=None):
        self.request, self.user, self.stream = request, user, stream
        self.tag, self.community = tag, community
        self.last_notification = _latest_notification(user)

    def frames(self, event) -> list[bytes]:
        """The Mastodon frames this realtime event makes for this reader (none, mostly)."""
        post_id = event.data.get("post") if isinstance(event.data, dict) else None
        if self.stream.startswith("user"):
            if event.type == events.NOTIFICATIONS:
                return self._notifications()
            if self.stream == "user:notification":
                return []
            if event.type == events.FEED_POST and post_id:
                return self._statuses("update", post_id)
        elif event.type == events.POST_PUBLISHED and post_id and self._wanted(post_id):
            return self._statuses("update", post_id)
        if event.type == events.POST_DELETED and post_id:
            return [_frame("delete", str(post_id))]
        if event.type == events.POST_EDITED and post_id:
            return self._statuses("status.update", post_id)
        return []

    def _wanted(self, post_id: int) -> bool:
        """A new post for a public, hashtag or list stream: top-level, with the tag, in the list."""
        from ruche.communities.models import Placement
        from ruche.posts.models import Post

        posts = Post.objects.filter(pk=post_id, parent__isnull=True, campaign__isnull=True)
        if self.tag is not None:
            posts = posts.filter(hashtags__key=self.tag)
        if self.community is not None:
            placed = Placement.objects.filter(community=self.community, status=Placement.Status.APPROVED)
            posts = posts.filter(pk__in=placed.values("post_id"))
        return posts.exists()

    def _statuses(self, kind: str, post_id: int) -> list[bytes]:
        from ruche.posts.models import Post
        from ruche.posts.selectors import CARD_RELATED

        posts = list(Post.objects.select_related(*CARD_RELATED).filter(pk=post_id))
        found = serializers.statuses(posts, viewer=self.user, request=self.request)  # visibility, per reader
        return [_frame(kind, json.dumps(status)) for status in found]

    def _notifications(self) -> list[bytes]:
        from ruche.mastodon.notifications import MASTODON_TYPES, notifications_json, with_posts
        from ruche.notifications.selectors import visible_notifications

        rows = list(
            visible_notifications(self.user)
            .filter(pk__gt=self.last_notification, kind__in=set(MASTODON_TYPES))
            .select_related("actor", "actor__profile", "post")
            .order_by("pk")[:20]
        )
        if not rows:
            return []
        self.last_notification = rows[-1].pk
        return [
            _frame("notification", json.dumps(n))
            for n in notifications_json(with_posts(rows), viewer=self.user, request=self.request)
        ]


def _latest_notification(user) -> int:
    from ruche.notifications.models import Notification

    return (
        Notification.objects.filter(recipient=user).order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def _frame(kind: str, data: str) -> bytes:
    return f"event: {kind}\ndata: {data}\n\n".encode()


def open_stream(request, stream: str):
    """(Reader, channels) for an authenticated request, or an error response (sync: the database)."""
    from ruche.communities.models import Community

    if "access_token" in request.GET and "HTTP_AUTHORIZATION" not in request.META:
        request.META["HTTP_AUTHORIZATION"] = f"Bearer {request.GET['access_token']}"
        request.__dict__.pop("headers", None)  # read again from META
    bearer = bearer_for(request)
    if bearer is None or bearer.user is None or not bearer.user.is_active:
        return JsonResponse({"error": "The access token is invalid"}, status=401), None
    if not bearer.grants("read:statuses") and not bearer.grants("read:notifications"):
        return JsonResponse({"error": "This action is outside the authorized scopes"}, status=403), None
    user, tag, community = bearer.user, None, None
    if stream.startswith("hashtag"):
        from ruche.core.text import fold

        # By key, not by row: a hashtag first used after the stream opened is heard too. Whether
        # the reader may read the post is asked per post, when it comes (statuses).
        tag = fold(request.GET.get("tag", "").lstrip("#"))[:50]
    if stream == "list":
        from ruche.mastodon.lists import my_list
        from ruche.mastodon.pagination import as_id

        try:
            community, _role = my_list(user, as_id(request.GET.get("list")) or 0)
        except Http404:
            return JsonResponse({"error": "Record not found"}, status=404), None
    channels = policies.stream_channels(user)
    if community is not None:
        channels = [policies.community_channel(community.pk)]
        if community.visibility == Community.Visibility.PUBLIC:
            channels.append(policies.PUBLIC)
    return Reader(request, user, stream, tag=tag, community=community), channels


async def stream(request):
    name = stream_of(request.path, request.GET)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if name is None:
        return JsonResponse({"error": "Unknown stream type"}, status=400)
    if name == "health":
        return HttpResponse("OK", content_type="text/plain")
    reader, channels = await in_thread(open_stream)(request, name)
    if channels is None:
        return reader  # the error
    response = StreamingHttpResponse(_events(reader, channels), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"
    return response


async def _events(reader: Reader, channels):
    hub = get_hub()
    conn = Connection(reader.user.pk, channels)
    hub.add(conn)
    try:
        yield b":)\n\n"
        if not await hub.wait_ready():
            return
        deadline = time.monotonic() + settings.REALTIME_STREAM_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = await asyncio.wait_for(
                    conn.queue.get(), min(left, settings.REALTIME_HEARTBEAT_SECONDS)
                )
            except TimeoutError:
                yield b":thump\n\n"
                continue
            if event is None or conn.overflowed:
                return  # the client reconnects
            for frame in await in_thread(reader.frames)(event):
                yield frame
    finally:
        hub.remove(conn)


class StreamingHandler(ASGIHandler):
    """Like realtime.asgi.StreamHandler: no per-request thread, no middleware but the headers'."""

    async def __call__(self, scope, receive, send):
        await self.handle(scope, receive, send)

    async def run_get_response(self, request):
        from ruche.realtime.asgi import HEADER_MIDDLEWARE, _headers_only

        try:
            request.get_host()
        except DisallowedHost:
            return HttpResponse(status=400)
        response = await stream(request)
        for path in HEADER_MIDDLEWARE:
            response = _headers_only(path).process_response(request, response)
        return response


application = StreamingHandler()
