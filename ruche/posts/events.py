"""What happens to posts, for the apps above posts (ruche/core/events.py: who subscribes is in
their AppConfig.ready, and tests/core/test_seams.py pins it). Published inside the service's
transaction, after the post's own rows are written."""

from dataclasses import dataclass

from ruche.posts.models import Post


@dataclass(frozen=True)
class PostPublished:
    """A post or a reply was written (`post.parent` says which; `post.campaign_id`, an idea's).
    `mentioned_ids`: the people it mentions and may read it; `tag_ids`: the hashtags it carries."""

    post: Post
    mentioned_ids: tuple[int, ...]
    tag_ids: tuple[int, ...]


@dataclass(frozen=True)
class PostEdited:
    """The text changed. `new_mention_ids`: people mentioned now and not before."""

    post: Post
    new_mention_ids: tuple[int, ...]
    tag_ids: tuple[int, ...]


@dataclass(frozen=True)
class PostDeleted:
    """A post or a reply was deleted (soft: `deleted_at` is set)."""

    post: Post


@dataclass(frozen=True)
class PostVisibilityChanged:
    """Who may read the post changed without its text changing (hidden, restored, a reply approved
    or rejected by a moderator): what is indexed of it follows."""

    post: Post


@dataclass(frozen=True)
class PostCountsChanged:
    """Its reply or reaction count changed (open pages update the figures live)."""

    post_id: int


@dataclass(frozen=True)
class ReactionAdded:
    """A first reaction of this person to this post (changing its kind is not news)."""

    reaction_id: int


@dataclass(frozen=True)
class HashtagFollowed:
    user_id: int
    hashtag_id: int
