"""Communities: the directory, one community and its posts, its members; join, request to join, leave."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.errors import Error
from ruche.api.schemas import (
    CommunityDetail,
    CommunityList,
    CursorQuery,
    InvitationIn,
    JoinRequestIn,
    JoinRequestOut,
    LeaveIn,
    MemberList,
    MembershipOut,
    PostPage,
)
from ruche.communities import policies, selectors, services

router = Router(tags=["communities"])


class DirectoryQuery(Schema):
    kind: Literal["", "work", "interest"] = ""
    visibility: Literal["", "public", "private", "secret"] = ""
    mine: bool = False
    archived: bool = False
    sort: Literal["activity", "members", "name", "newest"] = "activity"


def _readable(user, slug: str):
    """The community and the viewer's role, when the viewer may read its posts: 404 when they may not
    know it exists, 403 when it is closed to them."""
    community, role = selectors.community_for(user, slug)
    if not policies.can_read(user, community, role):
        raise PermissionDenied(_("Only the members of this community can read it."))
    return community, role


@router.get("/", response={200: CommunityList, **READ_ERRORS}, summary="Directory of communities")
def directory(request, filters: Query[DirectoryQuery]):
    """The communities you may know of (secret ones only if you belong or are invited), with your role."""
    return {"items": selectors.directory(request.auth, **filters.dict())}


@router.get("/{slug}", response={200: CommunityDetail, **READ_ERRORS}, summary="A community")
def detail(request, slug: str):
    community, role = selectors.community_for(request.auth, slug)
    community.my_role = role
    community.abilities = policies.abilities(request.auth, community, role)
    community.pending_request = community.abilities["can_request"] and bool(
        selectors.pending_request_of(request.auth, community)
    )
    return community


@router.get(
    "/{slug}/posts", response={200: PostPage, 403: Error, **READ_ERRORS}, summary="A community's posts"
)
def posts(request, slug: str, params: Query[CursorQuery]):
    community, role = _readable(request.auth, slug)
    return selectors.community_feed(request.auth, community, role, before=params.before)


@router.get("/{slug}/members", response={200: MemberList, 403: Error, **READ_ERRORS}, summary="Members")
def members(request, slug: str):
    community, role = selectors.community_for(request.auth, slug)
    if not (
        policies.can_read(request.auth, community, role) or policies.can_manage(request.auth, community, role)
    ):
        raise PermissionDenied(_("Only the members of this community can see who belongs to it."))
    return {"items": selectors.members(community)}


@router.post("/{slug}/join", response={200: MembershipOut, **WRITE_ERRORS}, summary="Join a public community")
def join(request, slug: str):
    community, _role = selectors.community_for(request.auth, slug)
    membership = services.community_join(community=community, user=request.auth)
    return {"community": community.slug, "role": membership.role}


@router.post("/{slug}/requests", response={201: JoinRequestOut, **WRITE_ERRORS}, summary="Ask to join")
def request_to_join(request, slug: str, payload: JoinRequestIn):
    """Ask the animators of a private community to let you in, with an optional word."""
    community, _role = selectors.community_for(request.auth, slug)
    return Status(
        201, services.join_request_create(community=community, user=request.auth, message=payload.message)
    )


@router.post(
    "/{slug}/invitation", response={200: MembershipOut, **WRITE_ERRORS}, summary="Answer an invitation"
)
def answer_invitation(request, slug: str, payload: InvitationIn):
    """Accept (`{"accept": true}`) or decline an invitation to a community (secret ones included)."""
    community, _role = selectors.community_for(request.auth, slug)
    invitation = selectors.invitation_of(request.auth, community)
    if invitation is None:
        raise Http404
    membership = services.invitation_answer(invitation=invitation, user=request.auth, accept=payload.accept)
    return {"community": community.slug, "role": membership.role if membership else None}


@router.post("/{slug}/leave", response={204: None, **WRITE_ERRORS}, summary="Leave a community")
def leave(request, slug: str, payload: LeaveIn):
    """Send `{}`, or `{"reason": "…"}` to tell the animators why."""
    community, _role = selectors.community_for(request.auth, slug)
    services.community_leave(community=community, user=request.auth, reason=payload.reason)
    return HttpResponse(status=204)
