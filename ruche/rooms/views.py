from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.communities.selectors import community_for
from ruche.posts.selectors import access_post
from ruche.rooms import policies, selectors, services


def _start(request, fallback: str, **where):
    try:
        room = services.room_start(by=request.user, topic=request.POST.get("topic", ""), **where)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(fallback)
    messages.success(request, _("Video room started and announced."))
    return redirect(room)


@login_required
@require_POST
def start_in_community(request, slug: str):
    community, _role = community_for(request.user, slug)
    return _start(request, community.get_absolute_url(), community=community)


@login_required
@require_POST
def start_from_post(request, pk: int):
    post = access_post(request.user, pk)
    return _start(request, post.get_absolute_url(), post=post)


@login_required
def detail(request, pk: int):
    room, role = selectors.room_for(request.user, pk)
    context = {
        "room": room,
        "can_join": policies.can_join_room(request.user, room, role),
        "can_end": policies.can_end_room(request.user, room, role),
        "video_enabled": policies.video_enabled(),
    }
    return render(request, "rooms/detail.html", context)


@login_required
def join(request, pk: int):
    """The only way to the video service's address: after the access rule."""
    room, role = selectors.room_for(request.user, pk)
    if not policies.can_join_room(request.user, room, role):
        raise PermissionDenied(_("Only the members of the community can join this video room."))
    return HttpResponseRedirect(room.video_url)


@login_required
@require_POST
def end(request, pk: int):
    room, _role = selectors.room_for(request.user, pk)
    services.room_end(room=room, by=request.user)
    messages.success(request, _("The video room is ended."))
    return redirect(room)
