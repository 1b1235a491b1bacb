"""Running a community through the API: create and change it, archive it, decide join requests,
invite, set roles and remove members, work the moderation queue and pin posts.

Its operations join the communities router (one router a path prefix: Django resolves URLs in order).
The same services as the browser, so the same rules: who may do what is decided by
ruche.communities.policies inside them, refusals are 403 and are written to the audit log.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from ruche import resolvers
from ruche.accounts.selectors import access_person
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.communities import router
from ruche.api.errors import Error
from ruche.api.schemas import CommunityOut, Id, JoinRequestOut, MemberOut, PersonRef, PostCore
from ruche.communities import policies, selectors, services
from ruche.communities.models import Membership

Kind = Literal["work", "interest"]
Visibility = Literal["public", "private", "secret"]


class CommunityIn(Schema):
    name: str = Field(..., max_length=80)
    description: str = Field("", max_length=2000)
    kind: Kind = "work"
    visibility: Visibility = "public"
    premoderate_posts: bool = False
    premoderate_replies: bool = False


class CommunityPatch(Schema):
    """Only the fields sent change."""

    name: str = Field(None, max_length=80)
    description: str = Field(None, max_length=2000)
    kind: Kind = None
    visibility: Visibility = None
    premoderate_posts: bool = None
    premoderate_replies: bool = None


class ArchiveIn(Schema):
    archive: bool = True


class DecisionIn(Schema):
    approve: bool


class InviteIn(Schema):
    person: str = Field(..., description="The handle of the colleague to invite")


class InviteOut(Schema):
    invited: bool = Field(..., description="false when already a member or already invited")


class RoleIn(Schema):
    role: Literal["owner", "animator", "moderator", "member"]


class PinIn(Schema):
    pin: bool = True


class JoinRequestDetail(JoinRequestOut):
    person: PersonRef = Field(..., alias="user")
    message: str


class JoinRequestList(Schema):
    items: list[JoinRequestDetail]


class ReportOut(Schema):
    id: int
    reporter: PersonRef
    post_id: int | None
    person: PersonRef | None
    reason: str
    created: datetime


class ModerationQueue(Schema):
    posts: list[PostCore]
    replies: list[PostCore]
    reports: list[ReportOut]


def _community(user, slug: str):
    community, role = selectors.community_for(user, slug)
    community.my_role = role
    return community, role


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@router.post("/", response={201: CommunityOut, **WRITE_ERRORS}, summary="Create a community")
def create(request, payload: CommunityIn):
    """Under the company's 'request' rule the community waits for an administrator's approval."""
    community = services.community_create(by=request.auth, **payload.dict())
    community.my_role = Membership.Role.OWNER
    return Status(201, community)


@router.patch("/{slug}", response={200: CommunityOut, **WRITE_ERRORS}, summary="Change a community")
def update(request, slug: str, payload: CommunityPatch):
    community, _role = _community(request.auth, slug)
    return services.community_update(community=community, by=request.auth, **payload.dict(exclude_unset=True))


@router.post("/{slug}/archive", response={200: CommunityOut, **WRITE_ERRORS}, summary="Archive or reopen")
def archive(request, slug: str, payload: ArchiveIn):
    """`{"archive": true}` keeps it readable with nothing new posted; `false` opens it again."""
    community, _role = _community(request.auth, slug)
    return services.community_archive(community=community, by=request.auth, archive=payload.archive)


@router.get(
    "/{slug}/requests", response={200: JoinRequestList, 403: Error, **READ_ERRORS}, summary="Join requests"
)
def join_requests(request, slug: str):
    """The requests waiting for a decision, oldest first (animators and owners)."""
    community, role = _community(request.auth, slug)
    _require(policies.can_manage(request.auth, community, role), _("Only the community's animators decide."))
    return {"items": selectors.pending_requests(community)}


@router.post(
    "/{slug}/requests/{id:request_id}/decision",
    response={200: JoinRequestOut, **WRITE_ERRORS},
    summary="Accept or decline a join request",
)
def decide_request(request, slug: str, request_id: Id, payload: DecisionIn):
    community, _role = _community(request.auth, slug)
    join_request = selectors.join_request_in(community, request_id, viewer=request.auth)
    return services.join_request_decide(request=join_request, by=request.auth, approve=payload.approve)


@router.post("/{slug}/invitations", response={200: InviteOut, **WRITE_ERRORS}, summary="Invite a colleague")
def invite(request, slug: str, payload: InviteIn):
    community, _role = _community(request.auth, slug)
    person = resolvers.person(payload.person, field="person")
    invitation = services.community_invite(community=community, by=request.auth, user=person)
    return {"invited": invitation is not None}


def _member(viewer, community, handle: str):
    person = access_person(viewer, handle)
    return selectors.member_user(community, person.pk, viewer=viewer)


@router.put(
    "/{slug}/members/{handle}", response={200: MemberOut, **WRITE_ERRORS}, summary="Set a member's role"
)
def set_role(request, slug: str, handle: str, payload: RoleIn):
    community, _role = _community(request.auth, slug)
    person = _member(request.auth, community, handle)
    return services.member_set_role(community=community, by=request.auth, user=person, role=payload.role)


@router.delete("/{slug}/members/{handle}", response={204: None, **WRITE_ERRORS}, summary="Remove a member")
def remove_member(request, slug: str, handle: str):
    community, _role = _community(request.auth, slug)
    services.member_remove(
        community=community, by=request.auth, user=_member(request.auth, community, handle)
    )
    return HttpResponse(status=204)


@router.get("/{slug}/moderation", response={200: ModerationQueue, 403: Error, **READ_ERRORS}, summary="Queue")
def moderation_queue(request, slug: str):
    """Posts and replies waiting for approval, and open reports (moderators)."""
    community, role = _community(request.auth, slug)
    _require(policies.can_moderate(request.auth, community, role), _("You do not moderate this community."))
    return selectors.moderation_queue(community)


@router.post(
    "/{slug}/moderation/posts/{id:post_id}", response={204: None, **WRITE_ERRORS}, summary="Decide on a post"
)
def decide_post(request, slug: str, post_id: Id, payload: DecisionIn):
    community, _role = _community(request.auth, slug)
    placement = selectors.placement_in(community, post_id, viewer=request.auth)
    services.placement_decide(placement=placement, by=request.auth, approve=payload.approve)
    return HttpResponse(status=204)


@router.post(
    "/{slug}/moderation/replies/{id:post_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Decide on a reply",
)
def decide_reply(request, slug: str, post_id: Id, payload: DecisionIn):
    community, _role = _community(request.auth, slug)
    reply = selectors.waiting_reply_in(community, post_id, viewer=request.auth)
    services.reply_decide(reply=reply, by=request.auth, approve=payload.approve)
    return HttpResponse(status=204)


@router.post("/{slug}/pins/{id:post_id}", response={204: None, **WRITE_ERRORS}, summary="Pin or unpin")
def pin(request, slug: str, post_id: Id, payload: PinIn):
    """`{"pin": true}` keeps the post at the top of the community; `false` lets it go."""
    community, _role = _community(request.auth, slug)
    placement = selectors.placement_in(community, post_id, viewer=request.auth)
    services.placement_pin(placement=placement, by=request.auth, pin=payload.pin)
    return HttpResponse(status=204)
