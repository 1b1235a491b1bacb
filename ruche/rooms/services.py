"""Video rooms: start one (and announce it with its link), end it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.rooms import policies
from ruche.rooms.models import VideoRoom

TOPIC_MAX = 120


def _announcement_body(room: VideoRoom, by: User) -> str:
    """Written in the starter's language, like anything they post. The link is Ruche's room page,
    which checks who may join before handing out the video service's address."""
    with translation.override(by.language or None):
        text = (
            _("📹 Video room started: **%(topic)s**") % {"topic": room.topic}
            if room.topic
            else _("📹 Video room started")
        )
        return f"{text}\n\n[{_('Join the video room')}]({room.get_absolute_url()})"


@transaction.atomic
def room_start(*, by: User, community=None, post=None, topic: str = "") -> VideoRoom:
    """Start a room in a community (announced by a post there) or from a post (announced by a reply)."""
    from ruche.communities.selectors import role_of
    from ruche.posts.services import post_create

    if not policies.video_enabled():
        raise ValidationError(_("Video rooms are not set up on this network."))
    if (community is None) == (post is None):
        raise ValueError("a room starts from a community or from a post")
    topic = " ".join((topic or "").split())
    if len(topic) > TOPIC_MAX:
        raise ValidationError({"topic": _("A topic is limited to %(max)d characters.") % {"max": TOPIC_MAX}})
    if community is not None and not policies.can_start_in_community(by, community, role_of(by, community)):
        raise PermissionDenied(_("Only the members of this community can start a video room in it."))
    if post is not None and not policies.can_start_from_post(by, post):
        raise PermissionDenied(_("You cannot start a video room from this post."))
    room = VideoRoom.objects.create(topic=topic, community=community, origin_post=post, created_by=by)
    room.announcement = post_create(
        author=by,
        body=_announcement_body(room, by),
        parent=post,
        communities=[community] if community is not None else [],
    )
    room.save(update_fields=["announcement"])
    return room


@transaction.atomic
def room_end(*, room: VideoRoom, by: User) -> VideoRoom:
    from ruche.communities.selectors import role_of

    role = role_of(by, room.community) if room.community_id else None
    if room.is_ended:
        return room
    if not policies.can_end_room(by, room, role):
        raise PermissionDenied(_("Only the person who started the room, or a moderator, can end it."))
    room.ended_at, room.ended_by = timezone.now(), by
    room.save(update_fields=["ended_at", "ended_by"])
    return room
