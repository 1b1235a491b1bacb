"""Live updates of what changes below realtime (ruche/core/events.py; registered in
RealtimeConfig.ready): published to the browsers after commit."""

from ruche.core.events import subscribe
from ruche.posts.events import PostCountsChanged
from ruche.realtime.events import post_counts_changed


def register() -> None:
    subscribe(PostCountsChanged, publish_counts)


def publish_counts(event: PostCountsChanged) -> None:
    post_counts_changed(event.post_id)
