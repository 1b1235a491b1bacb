"""Who may start, see, join and end a video room.

A community's room is for its members: the page exists for whoever may read the community (the post
announcing it is there), the link to the video service only for members. A room started from a post
outside communities is for whoever may read that post (its thread announces it)."""

from django.conf import settings

from ruche.accounts.policies import is_admin
from ruche.communities import policies as community_policies
from ruche.posts.policies import can_reply, can_view_post


def video_enabled() -> bool:
    return bool(settings.VIDEO_BASE_URL)


def _colleague(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_start_in_community(user, community, role: str | None) -> bool:
    return video_enabled() and community_policies.can_post(user, community, role)


def can_start_from_post(user, post) -> bool:
    return video_enabled() and post.parent_id is None and can_reply(user, post)


def can_see_room(user, room, role: str | None) -> bool:
    """Whether the room's page exists for the user (else 404)."""
    if not _colleague(user):
        return False
    if room.community_id:
        return community_policies.can_read(user, room.community, role)
    return can_view_post(user, room.origin_post)


def can_join_room(user, room, role: str | None) -> bool:
    """Whether the user may have the video link: members only (of the community, or readers of the post)."""
    if not video_enabled() or room.is_ended or not can_see_room(user, room, role):
        return False
    return role is not None if room.community_id else True


def can_end_room(user, room, role: str | None) -> bool:
    if not _colleague(user) or room.is_ended:
        return False
    if room.created_by_id == user.pk or is_admin(user):
        return True
    if room.community_id:
        return community_policies.can_moderate(user, room.community, role)
    return community_policies.can_moderate_post(user, room.origin_post)
