"""Live updates of what changes below realtime (ruche/core/events.py; registered in
RealtimeConfig.ready): published to the browsers after commit."""

from ruche.core.events import subscribe
from ruche.posts.events import PostCountsChanged, PostDeleted, PostEdited, PostPublished
from ruche.realtime import events
from ruche.realtime.events import post_counts_changed


def register() -> None:
    subscribe(PostCountsChanged, publish_counts)
    subscribe(PostPublished, publish_published)
    subscribe(PostEdited, publish_edited)
    subscribe(PostDeleted, publish_deleted)


def publish_counts(event: PostCountsChanged) -> None:
    post_counts_changed(event.post_id)


def publish_published(event: PostPublished) -> None:
    events.post_changed(event.post, events.POST_PUBLISHED)


def publish_edited(event: PostEdited) -> None:
    events.post_changed(event.post, events.POST_EDITED)


def publish_deleted(event: PostDeleted) -> None:
    events.post_changed(event.post, events.POST_DELETED)
