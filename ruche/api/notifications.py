"""Notifications: the list, the unread count, mark one or all read; preferences and muted conversations."""

from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema

from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import Count, Id, NotificationPage, PageQuery
from ruche.notifications import selectors, services
from ruche.posts.selectors import access_post

router = Router(tags=["notifications"])


@router.get("/", response={200: NotificationPage, **READ_ERRORS}, summary="Your notifications")
def notifications(request, params: Query[PageQuery]):
    """Newest first. Notifications about content you can no longer see are left out."""
    return selectors.notifications_for(request.auth, before=params.before, size=params.limit)


@router.get("/unread-count", response={200: Count, **READ_ERRORS}, summary="How many are unread")
def unread_count(request):
    return {"count": selectors.unread_count(request.auth)}


@router.post("/{id:notification_id}/read", response={204: None, **WRITE_ERRORS}, summary="Mark one read")
def mark_read(request, notification_id: Id):
    """Idempotent: marking an already read notification (or one that is not yours) changes nothing."""
    services.notification_mark_read(user=request.auth, notification_id=notification_id)
    return HttpResponse(status=204)


@router.post("/read-all", response={200: Count, **WRITE_ERRORS}, summary="Mark all read")
def mark_all_read(request):
    """Returns how many notifications were marked."""
    return {"count": services.notifications_mark_all_read(user=request.auth)}


# Preferences -------------------------------------------------------------------------------------


class KindChannels(Schema):
    kind: str
    label: str
    in_app: bool
    email: bool
    digest: bool


class CommunityLevel(Schema):
    community_id: int
    name: str
    level: Literal["all", "highlights", "mute"]


class Preferences(Schema):
    kinds: list[KindChannels]
    digest: Literal["daily", "weekly", "off"]
    communities: list[CommunityLevel]
    muted_threads: list[int]


class ChannelsIn(Schema):
    in_app: bool | None = None
    email: bool | None = None
    digest: bool | None = None


class PreferencesIn(Schema):
    kinds: dict[str, ChannelsIn] = {}
    digest: Literal["daily", "weekly", "off"] | None = None
    communities: dict[Id, Literal["all", "highlights", "mute"]] = {}


def _preferences(user) -> dict:
    found = selectors.preferences_for(user)
    return {
        "kinds": [{"kind": k, "label": str(label), **channels} for k, label, channels in found["kinds"]],
        "digest": found["frequency"],
        "communities": [
            {"community_id": c.pk, "name": c.name, "level": level} for c, level in found["communities"]
        ],
        "muted_threads": [post.pk for post in found["muted_threads"]],
    }


@router.get(
    "/preferences", response={200: Preferences, **READ_ERRORS}, summary="Your notification preferences"
)
def preferences(request):
    """Per kind and channel (in_app, email, digest), the digest frequency, your communities' levels
    (all, highlights, mute) and the conversations you muted (post ids)."""
    return _preferences(request.auth)


@router.patch("/preferences", response={200: Preferences, **WRITE_ERRORS}, summary="Change preferences")
def preferences_update(request, payload: PreferencesIn):
    """Only what you send changes; all of it or nothing (an unknown kind or community is a 400
    naming the field)."""
    channels = {
        kind: {c: v for c, v in chosen.dict().items() if v is not None}
        for kind, chosen in payload.kinds.items()
    }
    services.preferences_save(
        user=request.auth, channels=channels, frequency=payload.digest, communities=payload.communities
    )
    return _preferences(request.auth)


@router.post(
    "/threads/{id:post_id}/mute", response={204: None, **WRITE_ERRORS}, summary="Mute a conversation"
)
def thread_mute(request, post_id: Id):
    """No more notifications about this post and its replies (a reply mutes its conversation)."""
    services.thread_mute(user=request.auth, post=access_post(request.auth, post_id))
    return HttpResponse(status=204)


@router.delete("/threads/{id:post_id}/mute", response={204: None, **WRITE_ERRORS}, summary="Unmute")
def thread_unmute(request, post_id: Id):
    services.thread_unmute(user=request.auth, post_id=post_id)
    return HttpResponse(status=204)
