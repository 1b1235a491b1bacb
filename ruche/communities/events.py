"""What happens in communities, for the apps above (ruche/core/events.py: who subscribes is in
their AppConfig.ready, and tests/core/test_seams.py pins it)."""

from dataclasses import dataclass

from ruche.core.events import publish
from ruche.posts.models import Post


@dataclass(frozen=True)
class CommunityChanged:
    """Created, approved or declined, renamed, described, archived: what search finds follows."""

    community_id: int


@dataclass(frozen=True)
class MemberAdded:
    """Someone became a member (by joining, an approval, an invitation or a directory rule)."""

    community_id: int
    user_id: int


@dataclass(frozen=True)
class MemberRemoved:
    community_id: int
    user_id: int


@dataclass(frozen=True)
class PlacementApproved:
    """A moderator approved a post waiting in a community: it reaches that community's readers.
    `new_mention_ids`: people it mentions now who could not be mentioned while it waited."""

    post: Post
    new_mention_ids: tuple[int, ...]


@dataclass(frozen=True)
class ReplyApproved:
    """A moderator approved a reply waiting in a pre-moderated thread."""

    reply: Post
    mentioned_ids: tuple[int, ...]


@dataclass(frozen=True)
class CommunityNotice:
    """Tell one person of a decision about them (`kind`: a notification kind such as
    "join_approved"). `key` names the decision (the request, the invitation, the audit entry...):
    told once per key, and a new decision is new news."""

    recipient_id: int
    kind: str
    actor_id: int
    community_id: int | None
    post_id: int | None
    detail: str
    key: str


def notify(recipient, kind: str, actor, community, *, key: str, post=None, detail: str = "") -> None:
    if recipient is None:
        return
    publish(
        CommunityNotice(
            recipient_id=recipient.pk,
            kind=kind,
            actor_id=actor.pk,
            community_id=community.pk if community else None,
            post_id=post.pk if post else None,
            detail=detail,
            key=key,
        )
    )
