"""What search indexes again when something changes below it (ruche/core/events.py; registered in
SearchConfig.ready). Each reaction enqueues the reindex task in the publisher's transaction."""

from ruche.accounts.events import PeopleChanged
from ruche.communities.events import CommunityChanged
from ruche.core.events import subscribe
from ruche.posts.events import PostDeleted, PostEdited, PostPublished, PostVisibilityChanged
from ruche.search.documents import Kind
from ruche.search.tasks import reindex_later, reindex_post_later


def register() -> None:
    subscribe(PeopleChanged, reindex_people)
    subscribe(CommunityChanged, reindex_community)
    subscribe(PostPublished, reindex_written)
    subscribe(PostEdited, reindex_written)
    subscribe(PostDeleted, reindex_post)
    subscribe(PostVisibilityChanged, reindex_post)


def reindex_people(event: PeopleChanged) -> None:
    reindex_later(Kind.PERSON, event.user_ids)


def reindex_community(event: CommunityChanged) -> None:
    reindex_later(Kind.COMMUNITY, [event.community_id])


def reindex_written(event: PostPublished | PostEdited) -> None:
    """The post, and its hashtags: a new one becomes findable."""
    reindex_post_later(event.post, tag_ids=event.tag_ids)


def reindex_post(event: PostDeleted | PostVisibilityChanged) -> None:
    reindex_post_later(event.post)
