from django.http import Http404

from ruche.rooms import policies
from ruche.rooms.models import VideoRoom


def room_for(user, pk: int) -> tuple[VideoRoom, str | None]:
    """The room and the viewer's role in its community; 404 for whoever may not know it exists."""
    from ruche.communities.selectors import role_of

    room = (
        VideoRoom.objects.select_related("community", "origin_post__parent", "created_by", "announcement")
        .filter(pk=pk)
        .first()
    )
    if room is None:
        raise Http404
    role = role_of(user, room.community) if room.community_id else None
    if not policies.can_see_room(user, room, role):
        raise Http404
    return room, role
