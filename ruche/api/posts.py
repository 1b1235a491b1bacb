"""Posts and replies: read one with its replies, publish, reply, share, edit, delete, react, report,
hide (moderators); a hashtag's posts."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ruche.api import selectors as api_selectors
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.errors import on_field
from ruche.api.schemas import (
    EditIn,
    Id,
    PostCore,
    PostIn,
    PostOut,
    ReactionIn,
    ReactionOut,
    ReactorList,
    ReplyIn,
    ShareIn,
)
from ruche.communities import services as communities
from ruche.communities.selectors import postable_communities
from ruche.posts import selectors, services
from ruche.posts.models import Reaction
from ruche.posts.selectors import access_post

router = Router(tags=["posts"])


def chosen_communities(user, ids: list[int]):
    """The communities named in the input, among those where the author may publish (as the composer
    offers them). Any other id is refused the same way, so a secret community's id reveals nothing."""
    if not ids:
        return []
    postable = {c.pk: c for c in postable_communities(user)}
    unknown = [i for i in ids if i not in postable]
    if unknown:
        raise ValidationError(
            {"communities": _("You cannot publish in community %(id)s: join it first.") % {"id": unknown[0]}}
        )
    return [postable[i] for i in dict.fromkeys(ids)]


@router.post("/", response={201: PostOut, **WRITE_ERRORS}, summary="Publish a post")
def create_post(request, payload: PostIn):
    """Publish a post, in communities or for the whole company. Send a `client_token` (a UUID of your
    making) to retry safely: the same token returns the post already made instead of a second one."""
    post = services.post_create(
        author=request.auth,
        body=payload.body,
        client_token=payload.client_token,
        communities=chosen_communities(request.auth, payload.communities),
        attachments=payload.attachments,
    )
    return Status(201, selectors.post_detail(request.auth, post.pk))


@router.get("/{id:post_id}", response={200: PostOut, **READ_ERRORS}, summary="A post with its replies")
def post_detail(request, post_id: Id):
    """The post and all its replies (a reply's id gives its whole thread)."""
    return selectors.post_detail(request.auth, post_id)


@router.post("/{id:post_id}/replies", response={201: PostCore, **WRITE_ERRORS}, summary="Reply")
def reply(request, post_id: Id, payload: ReplyIn):
    parent = access_post(request.auth, post_id)
    created = services.post_create(
        author=request.auth,
        body=payload.body,
        parent=parent,
        client_token=payload.client_token,
        attachments=payload.attachments,
    )
    return Status(201, api_selectors.post_with_author(created.pk))


@router.post("/{id:post_id}/shares", response={201: PostOut, **WRITE_ERRORS}, summary="Share with a comment")
def share(request, post_id: Id, payload: ShareIn):
    """Share a post with your comment above it (`body`, may be empty), into `communities` (at most one
    is usual), or, with none, to your followers and the company feed. Sharing a share shares its
    original; a reply cannot be shared (400: share its thread). A share never widens who may read
    the original: a reader who may not read it gets `shared.available` false and nothing of it.
    404, as for a missing post, when you may not read it yourself. `client_token` as for posts."""
    original = access_post(request.auth, post_id)
    post = services.post_share(
        author=request.auth,
        original=original,
        body=payload.body,
        communities=chosen_communities(request.auth, payload.communities),
        client_token=payload.client_token,
    )
    return Status(201, selectors.post_detail(request.auth, post.pk))


@router.patch("/{id:post_id}", response={200: PostCore, **WRITE_ERRORS}, summary="Edit a post or a reply")
def edit(request, post_id: Id, payload: EditIn):
    post = access_post(request.auth, post_id)
    return services.post_edit(post=post, by=request.auth, body=payload.body, attachments=payload.attachments)


@router.delete("/{id:post_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a post or a reply")
def delete(request, post_id: Id):
    post = access_post(request.auth, post_id)
    services.post_delete(post=post, by=request.auth)
    return HttpResponse(status=204)


@router.put("/{id:post_id}/bookmark", response={204: None, **WRITE_ERRORS}, summary="Save for later")
def bookmark(request, post_id: Id):
    """Keep the post in your saved posts (`GET /feed/saved`); a reply saves its thread."""
    services.bookmark_set(post=access_post(request.auth, post_id), user=request.auth, saved=True)
    return HttpResponse(status=204)


@router.delete(
    "/{id:post_id}/bookmark", response={204: None, **WRITE_ERRORS}, summary="Remove from saved posts"
)
def unbookmark(request, post_id: Id):
    services.bookmark_set(post=access_post(request.auth, post_id), user=request.auth, saved=False)
    return HttpResponse(status=204)


@router.delete(
    "/{id:post_id}/link-preview", response={204: None, **WRITE_ERRORS}, summary="Remove the link preview"
)
def preview_hide(request, post_id: Id):
    """The author takes the preview of the post's first link off it; the address stays a link."""
    post = access_post(request.auth, post_id)
    services.link_preview_hide(post=post, by=request.auth)
    return HttpResponse(status=204)


@router.put("/{id:post_id}/reaction", response={200: ReactionOut, **WRITE_ERRORS}, summary="React")
def react(request, post_id: Id, payload: ReactionIn):
    """Set your reaction (like, bravo, love, insightful, funny); another kind replaces it."""
    post = access_post(request.auth, post_id)
    with on_field("kind"):
        reaction = services.reaction_set(post=post, user=request.auth, kind=payload.kind)
    return {"kind": reaction.kind, "emoji": Reaction.EMOJI[reaction.kind]}


@router.delete("/{id:post_id}/reaction", response={204: None, **WRITE_ERRORS}, summary="Remove your reaction")
def unreact(request, post_id: Id):
    post = access_post(request.auth, post_id)
    services.reaction_remove(post=post, user=request.auth)
    return HttpResponse(status=204)


@router.get("/{id:post_id}/reactions", response={200: ReactorList, **READ_ERRORS}, summary="Who reacted")
def reactions(request, post_id: Id):
    post = access_post(request.auth, post_id)
    return {"items": selectors.reactions_of(request.auth, post)}


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class ReportCreated(Schema):
    id: int


@router.post("/{id:post_id}/report", response={201: ReportCreated, **WRITE_ERRORS}, summary="Report")
def report(request, post_id: Id, payload: ReasonIn):
    """Flag a post or a reply to its community's moderators (the company's admins otherwise)."""
    post = access_post(request.auth, post_id)
    return Status(201, communities.report_create(by=request.auth, post=post, reason=payload.reason))


@router.post("/{id:post_id}/hide", response={200: PostCore, **WRITE_ERRORS}, summary="Hide (moderators)")
def hide(request, post_id: Id, payload: ReasonIn):
    """Gone for everyone but its author, who is told the reason; open reports on it are resolved."""
    post = access_post(request.auth, post_id)
    return communities.post_hide(post=post, by=request.auth, reason=payload.reason)
