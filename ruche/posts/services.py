"""Writes on posts: create, reply, share, edit, delete, react, follow a hashtag."""

import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import PEOPLE, User
from ruche.communities.models import Placement
from ruche.communities.services import Refused, placements_for, reply_waits, touch
from ruche.core import markdown
from ruche.core.events import publish
from ruche.core.text import HASHTAG_MAX_LENGTH, too_long_tag
from ruche.files.services import attachments_attach, attachments_delete, attachments_replace
from ruche.links.addresses import first_link
from ruche.links.services import preview_for
from ruche.posts import policies
from ruche.posts.events import (
    HashtagFollowed,
    PostCountsChanged,
    PostDeleted,
    PostEdited,
    PostPublished,
    ReactionAdded,
)
from ruche.posts.models import Bookmark, Hashtag, HashtagFollow, Post, PostRevision, Reaction
from ruche.posts.selectors import share_target


def _clean_body(body: str, *, empty_ok: bool = False) -> str:
    """The text, stripped; it may be empty only for a message that carries files, or a share."""
    body = (body or "").strip()
    if not body and not empty_ok:
        raise ValidationError({"body": _("Write something before publishing.")})
    if len(body) > settings.POST_MAX_LENGTH:
        raise ValidationError(
            {"body": _("A message is limited to %(max)d characters (this one has %(n)d).")
             % {"max": settings.POST_MAX_LENGTH, "n": len(body)}}
        )  # fmt: skip
    return body


class Rendered(NamedTuple):
    html: str
    mentioned: list[User]
    tags: list[Hashtag]
    link: str | None  # the first web address, normalised (ruche.links)


def _render(post: Post, body: str) -> Rendered:
    """HTML for the body, with the people it really mentions, the hashtags it carries and the
    first web address it links to."""
    parsed = markdown.parse(body)
    link = first_link(parsed)  # before mentions and hashtags become links of ours
    # An integration's account (ruche.integrations) is nobody to mention: its handle stays text.
    candidates = User.objects.filter(PEOPLE, handle__in=parsed.handles, is_active=True)
    candidates = candidates.select_related("profile")
    mentioned = {u.handle: u for u in candidates if policies.can_mention(u, post)}
    html = markdown.render(
        parsed,
        mention_url=lambda handle: (
            reverse("accounts:profile", args=[handle]) if handle in mentioned else None
        ),
        tag_url=lambda key: reverse("posts:tag", args=[key]),
        mention_name=lambda handle: mentioned[handle].full_name,
    )
    refuse_long_tags(parsed.tags.values(), field="body", sigil="#")
    tags = [hashtag_for(key, name) for key, name in parsed.tags.items()]
    return Rendered(html, list(mentioned.values()), tags, link)


def refuse_long_tags(names, *, field: str, sigil: str = "") -> None:
    """A tag longer than a Hashtag holds is refused whole (cutting it would merge distinct tags)."""
    for name in names:
        if too_long_tag(name):
            raise ValidationError(
                {field: _("The tag “%(tag)s…” is too long: %(max)d characters at most.")
                 % {"tag": sigil + name[:20], "max": HASHTAG_MAX_LENGTH}}
            )  # fmt: skip


def hashtag_for(key: str, name: str) -> Hashtag:
    """The hashtag of this folded key, created with `name` the first time (posts, ideas' tags)."""
    tag, _created = Hashtag.objects.get_or_create(key=key, defaults={"name": name})
    return tag


def post_create(
    *,
    author: User,
    body: str,
    parent: Post | None = None,
    client_token: uuid.UUID | None = None,
    communities=(),
    campaign=None,
    attachments=(),
) -> Post:
    """Publish a post, or a reply when `parent` is given. A repeated client_token returns the first post.
    `campaign`: the post is an idea's (ruche.ideas): seen by the campaign's audience only, not fanned out.
    `attachments`: ids of files the author uploaded (ruche.files), attached in this order."""
    return _once(
        author,
        client_token,
        lambda: _post_create(
            author=author,
            body=body,
            parent=parent,
            client_token=client_token,
            communities=list(communities),
            campaign=campaign,
            attachments=list(attachments),
        ),
    )


def post_share(
    *, author: User, original: Post, body: str, communities=(), client_token: uuid.UUID | None = None
) -> Post:
    """Share `original` with a comment of the author's (`body`, may be empty) above it, into
    `communities`, or, with none, to the author's followers and the company feed. Sharing a share
    shares its original. A share never widens who may read the original: each reader sees it
    embedded only if they may read it (selectors.hydrate). Refused like a missing post (Http404)
    when the author may not read it."""
    return _once(
        author,
        client_token,
        lambda: _post_create(
            author=author,
            body=body,
            parent=None,
            client_token=client_token,
            communities=list(communities),
            campaign=None,
            attachments=[],
            shared=original,
        ),
    )


def _once(author: User, client_token: uuid.UUID | None, create) -> Post:
    """`create()`, once per client token: a repeated token returns the post already made."""
    if client_token and (done := Post.objects.filter(author=author, client_token=client_token).first()):
        return done
    try:
        return create()
    except Refused as refusal:
        refusal.record()  # the rollback took the audit entry away: a refused attempt stays on record
        raise
    except IntegrityError:
        if client_token and (done := Post.objects.filter(author=author, client_token=client_token).first()):
            return done  # The same form was submitted twice at the same moment.
        raise


@transaction.atomic
def _post_create(
    *, author, body, parent, client_token, communities, campaign, attachments, shared=None
) -> Post:
    """Save the post, place it in its communities (approved or awaiting a moderator), then render it,
    so that mentions are resolved against who may actually read it. `shared`: the post is a share
    of that one (or of its original)."""
    if shared is not None:
        shared = share_target(author, shared)
    body = _clean_body(body, empty_ok=bool(attachments) or shared is not None)
    if not author.is_active:
        raise PermissionDenied(_("Your account is deactivated."))
    waits = False
    if parent is not None:
        parent = parent.parent or parent  # replies stay one level deep
        if not policies.can_reply(author, parent):
            raise PermissionDenied(_("You cannot reply to this post."))
        waits = reply_waits(author=author, root=parent)
        where = []
        campaign = parent.campaign_id  # an idea's replies stay inside its campaign
    elif campaign is not None:
        where, campaign = [], campaign.pk
    else:
        where = placements_for(author=author, communities=communities)
    post = Post.objects.create(
        author=author,
        parent=parent,
        body=body,
        body_html="",
        client_token=client_token,
        awaiting_approval=waits,
        campaign_id=campaign,
        shared_post=shared,
        is_share=shared is not None,
    )
    Placement.objects.bulk_create([Placement(post=post, community=c, status=status) for c, status in where])
    if attachments:
        attachments_attach(kind="post", holder_id=post.pk, ids=attachments, by=author)
    post.body_html, mentioned, tags, link = _render(post, body)
    _show_link_preview(post, link)
    post.save(update_fields=["body_html", "link_preview", "link_preview_hidden"])
    post.mentions.set(mentioned)
    post.hashtags.set(tags)
    if where:
        touch(c for c, _status in where)
    else:
        touch_thread(parent)
    if parent is not None:
        Post.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
        publish(PostCountsChanged(post_id=parent.pk))
    if shared is not None:
        _count_share(shared.pk, +1)
    # Indexed, fanned out to feeds (the author's at once), counted as an answer, notified (a share:
    # the original's author too, if they may read the share).
    mentioned_ids = tuple(u.pk for u in mentioned)
    publish(PostPublished(post=post, mentioned_ids=mentioned_ids, tag_ids=tuple(t.pk for t in tags)))
    return post


def _count_share(original_id: int, step: int) -> None:
    Post.objects.filter(pk=original_id).update(share_count=F("share_count") + step)
    publish(PostCountsChanged(post_id=original_id))


def _show_link_preview(post: Post, url: str | None) -> None:
    """Point the post at the shared preview of its first web address (fetched by the worker, after
    commit: the post is never held back). A new address shows its preview again, even if the
    author hid the one before. Replies show their links as links only."""
    preview = preview_for(url) if url and post.parent_id is None else None
    if (preview.pk if preview else None) != post.link_preview_id:
        post.link_preview, post.link_preview_hidden = preview, False


def bookmark_set(*, post: Post, user: User, saved: bool) -> bool:
    """Save a post for later, or take it off the list; saving twice keeps one (returns `saved`)."""
    if not policies.can_view_post(user, post):
        raise PermissionDenied(_("You cannot see this post."))
    if saved:
        Bookmark.objects.get_or_create(user=user, post=post.parent or post)
    else:
        Bookmark.objects.filter(user=user, post=post.parent or post).delete()
    return saved


@transaction.atomic
def link_preview_hide(*, post: Post, by: User) -> Post:
    """The author takes the preview off their post (the address stays a link)."""
    if not policies.can_edit_post(by, post):
        raise PermissionDenied(_("Only the author can remove the preview."))
    post.link_preview_hidden = True
    post.save(update_fields=["link_preview_hidden"])
    return post


def touch_thread(parent: Post | None) -> None:
    if parent is not None:
        touch(p.community for p in parent.placements.select_related("community"))


@transaction.atomic
def post_edit(*, post: Post, by: User, body: str, attachments=None) -> Post:
    """Change the text; the old one is kept as a revision, and only new mentions are notified.
    `attachments`: the ids of the files the post keeps or gains, in order (None: unchanged)."""
    if not policies.can_edit_post(by, post):
        raise PermissionDenied(_("You can only edit your own posts."))
    if attachments is not None:
        attachments = attachments_replace(kind="post", holder_id=post.pk, ids=attachments, by=by)
    body = _clean_body(body, empty_ok=bool(attachments) or post.is_share)
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body, edited_by=by)
    before = set(post.mentions.values_list("pk", flat=True))
    post.body = body
    post.body_html, mentioned, tags, link = _render(post, body)
    post.edited_at = timezone.now()
    _show_link_preview(post, link)
    post.save(update_fields=["body", "body_html", "edited_at", "link_preview", "link_preview_hidden"])
    post.mentions.set(mentioned)
    post.hashtags.set(tags)
    new = tuple(u.pk for u in mentioned if u.pk not in before)
    publish(PostEdited(post=post, new_mention_ids=new, tag_ids=tuple(t.pk for t in tags)))
    return post


@transaction.atomic
def post_delete(*, post: Post, by: User) -> Post:
    """Soft delete: the post disappears everywhere at once; feed rows are cleaned after commit."""
    if not policies.can_delete_post(by, post):
        raise PermissionDenied(_("You cannot delete this post."))
    return post_remove(post=post)


@transaction.atomic
def post_remove(*, post: Post) -> Post:
    """`post_delete` once its caller decided (an erasure: ruche.privacy.policies.can_erase)."""
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    # Its files go with it, and its replies' (they disappear with their thread).
    attachments_delete(kind="post", holder_ids=[post.pk, *post.replies.values_list("pk", flat=True)])
    if post.parent_id:
        Post.objects.filter(pk=post.parent_id).update(reply_count=F("reply_count") - 1)
        publish(PostCountsChanged(post_id=post.parent_id))
    if post.shared_post_id:
        _count_share(post.shared_post_id, -1)
    publish(PostDeleted(post=post))
    return post


@transaction.atomic
def reaction_set(*, post: Post, user: User, kind: str) -> Reaction:
    """React to a post; reacting again with another kind changes the reaction, not the count."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": _("Unknown reaction.")})
    if not policies.can_react(user, post):
        raise PermissionDenied(_("You cannot react to this post."))
    reaction, created = Reaction.objects.get_or_create(post=post, user=user, defaults={"kind": kind})
    if created:
        Post.objects.filter(pk=post.pk).update(reaction_count=F("reaction_count") + 1)
        publish(PostCountsChanged(post_id=post.pk))
        publish(ReactionAdded(reaction_id=reaction.pk))
    elif reaction.kind != kind:
        reaction.kind = kind
        reaction.save(update_fields=["kind"])
    return reaction


@transaction.atomic
def reaction_toggle(*, post: Post, user: User, kind: str) -> Reaction | None:
    """The reaction button: the same kind again takes the reaction back, another kind sets it.
    Returns the reaction left, or None."""
    current = Reaction.objects.select_for_update().filter(post=post, user=user).first()
    if current is not None and current.kind == kind:
        reaction_remove(post=post, user=user)
        return None
    return reaction_set(post=post, user=user, kind=kind)


@transaction.atomic
def reaction_remove(*, post: Post, user: User) -> None:
    deleted, _rows = Reaction.objects.filter(post=post, user=user).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(reaction_count=F("reaction_count") - 1)
        publish(PostCountsChanged(post_id=post.pk))


@transaction.atomic
def hashtag_follow(*, user: User, hashtag: Hashtag) -> None:
    """Callers reach the hashtag through `selectors.access_hashtag`, which hides what the person may not see."""
    _follow, created = HashtagFollow.objects.get_or_create(user=user, hashtag=hashtag)
    if created:
        Hashtag.objects.filter(pk=hashtag.pk).update(follower_count=F("follower_count") + 1)
        publish(HashtagFollowed(user_id=user.pk, hashtag_id=hashtag.pk))


@transaction.atomic
def hashtag_unfollow(*, user: User, hashtag: Hashtag) -> None:
    deleted, _rows = HashtagFollow.objects.filter(user=user, hashtag=hashtag).delete()
    if deleted:
        Hashtag.objects.filter(pk=hashtag.pk).update(follower_count=F("follower_count") - 1)
