"""Mastodon's statuses, bookmarks and favourites (docs.joinmastodon.org/methods/statuses/) over
Ruche's posts, through the same services and policies as the pages.

Mapping (docs/api.md, "Use your favourite Mastodon app"): `visibility` "public" (or none) publishes
company-wide; a Ruche-specific `community_id` (or `list_id`: communities are lists) publishes in
that community, shown as "private"; "unlisted" and "direct", a poll, a scheduled post and a
spoiler text are refused (422) rather than published in a way the author did not ask for. A
favourite is Ruche's "like" reaction, a reblog a share, a bookmark a saved post. `Idempotency-Key`
becomes Ruche's `client_token` (per person), so a replay returns the post already made, race-free
(a unique constraint). Anything the viewer may not read is 404 `Record not found`, as a missing one.
"""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ruche.communities.selectors import postable_communities
from ruche.mastodon import serializers
from ruche.mastodon.endpoint import endpoint
from ruche.mastodon.pagination import as_id, page, paged_response
from ruche.posts import services as post_services
from ruche.posts.models import Post, Reaction
from ruche.posts.policies import visible_posts, visible_replies
from ruche.posts.selectors import CARD_RELATED, access_post

FAVOURITE = Reaction.Kind.LIKE
IDEMPOTENCY = uuid.UUID("5b0d8a52-2f4e-4d0c-9a57-6b1f5d3c7e10")  # namespace of Idempotency-Key tokens


def _cards(ids) -> list[Post]:
    """Posts by id, loaded for the serializer, in the order given."""
    found = Post.objects.select_related(*CARD_RELATED).in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]


def _post(request, post_id: int) -> Post:
    """The post as the caller may read it; 404 alike for missing and unreadable."""
    return access_post(request.user, post_id)


def _answer(request, post: Post) -> JsonResponse:
    shown = serializers.status(_cards([post.pk])[0], viewer=request.user, request=request)
    if shown is None:
        raise Http404
    return JsonResponse(shown)


def _statuses(request, posts: list[Post]) -> list[dict]:
    return serializers.statuses(_cards([p.pk for p in posts]), viewer=request.user, request=request)


# Create, read, edit, delete ------------------------------------------------------------------------


def _client_token(request) -> uuid.UUID | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    return uuid.uuid5(IDEMPOTENCY, key[:200]) if key else None


def _refuse_unsupported(p: dict) -> None:
    visibility = p.get("visibility") or "public"
    if visibility == "direct":
        raise ValidationError(_("Ruche has no direct messages: mention the person in a post instead."))
    if visibility == "unlisted":
        raise ValidationError(_("Ruche has no unlisted posts: a post is company-wide or in a community."))
    if visibility == "private" and not _community_id(p):
        raise ValidationError(_("To post for a community's members only, name it with community_id."))
    if visibility not in {"public", "private"}:
        raise ValidationError(_("Unknown visibility."))
    if (p.get("spoiler_text") or "").strip():
        raise ValidationError(_("Ruche has no content warnings: remove the spoiler text."))
    if p.get("poll"):
        raise ValidationError(_("Ruche has no polls."))
    if p.get("scheduled_at"):
        raise ValidationError(_("Ruche cannot schedule posts."))


def _community_id(p: dict):
    return p.get("community_id") or p.get("list_id")


def _communities(request, p: dict) -> list:
    """The community named by `community_id` (or `list_id`), among those the author may publish in;
    any other id is refused the same way, so a secret community's id reveals nothing."""
    wanted = _community_id(p)
    if not wanted:
        return []
    postable = {c.pk: c for c in postable_communities(request.user)}
    if as_id(wanted) not in postable:
        raise ValidationError(_("You cannot publish in this community: join it first."))
    return [postable[as_id(wanted)]]


def _media_ids(p: dict) -> list[int]:
    ids = p.get("media_ids") or []
    ids = ids if isinstance(ids, list) else [ids]
    parsed = [as_id(i) for i in ids]
    if None in parsed:
        raise ValidationError(_("Unknown media."))
    return parsed


def _status_text(p: dict) -> str:
    text = p.get("status", "")
    if not isinstance(text, str):
        raise ValidationError(_("The status must be text."))
    return text


@endpoint(methods=("POST",), scopes=("write:statuses",))
def status_create(request):
    p = request.params
    _refuse_unsupported(p)
    parent = None
    if p.get("in_reply_to_id"):
        reply_to = as_id(p["in_reply_to_id"])
        if reply_to is None:
            raise Http404  # a made-up id is a missing status, never a post of its own
        parent = _post(request, reply_to)
    post = post_services.post_create(
        author=request.user,
        body=_status_text(p),
        parent=parent,
        client_token=_client_token(request),
        communities=[] if parent else _communities(request, p),
        attachments=_media_ids(p),
    )
    return _answer(request, post)


@endpoint(scopes=("read:statuses",))
def status_get(request, post_id: int):
    return _answer(request, _post(request, post_id))


@endpoint(methods=("PUT",), scopes=("write:statuses",))
def status_edit(request, post_id: int):
    p = request.params
    if (p.get("spoiler_text") or "").strip():
        raise ValidationError(_("Ruche has no content warnings: remove the spoiler text."))
    post = _post(request, post_id)
    media = _media_ids(p) if "media_ids" in p else None
    post_services.post_edit(post=post, by=request.user, body=_status_text(p), attachments=media)
    return _answer(request, post)


@endpoint(methods=("DELETE",), scopes=("write:statuses",))
def status_delete(request, post_id: int):
    """Mastodon answers the deleted status with its source `text` (for "delete and redraft")."""
    post = _post(request, post_id)
    shown = serializers.status(_cards([post.pk])[0], viewer=request.user, request=request)
    post_services.post_delete(post=post, by=request.user)
    return JsonResponse(shown | {"text": post.body})


@endpoint(scopes=("read:statuses",))
def status_source(request, post_id: int):
    post = _post(request, post_id)
    return JsonResponse({"id": str(post.pk), "text": post.body, "spoiler_text": ""})


@endpoint(scopes=("read:statuses",))
def status_history(request, post_id: int):
    """Mastodon's StatusEdit list, oldest first, ending with the current text: Ruche's revisions
    keep the text a post had before each edit."""
    post = _post(request, post_id)
    shown = serializers.status(_cards([post.pk])[0], viewer=request.user, request=request)
    if shown is None:
        raise Http404
    revisions = list(post.revisions.order_by("created", "pk"))
    versions = [
        (r.body, post.created if n == 0 else revisions[n - 1].created) for n, r in enumerate(revisions)
    ]
    versions.append((post.body, post.edited_at or post.created))
    return JsonResponse(
        [
            {
                "content": linebreaks(escape(body)) if body != post.body else shown["content"],
                "spoiler_text": "",
                "sensitive": False,
                "created_at": serializers.iso(moment),
                "account": shown["account"],
                "poll": None,
                "media_attachments": shown["media_attachments"],
                "emojis": [],
            }
            for body, moment in versions
        ],
        safe=False,
    )


@endpoint(scopes=("read:statuses",))
def status_context(request, post_id: int):
    """Replies are one level deep in Ruche: a post's context is its replies; a reply's, its post."""
    post = _post(request, post_id)
    ancestors = [post.parent] if post.parent_id else []
    descendants = []
    if not post.parent_id:
        replies = visible_replies(request.user, post.replies.all())
        descendants = list(visible_posts(request.user, replies).order_by("pk"))
    return JsonResponse(
        {"ancestors": _statuses(request, ancestors), "descendants": _statuses(request, descendants)}
    )


# Favourites, reblogs, bookmarks, pins --------------------------------------------------------------


@endpoint(methods=("POST",), scopes=("write:favourites",))
def status_favourite(request, post_id: int):
    post = _post(request, post_id)
    post_services.reaction_set(post=post, user=request.user, kind=FAVOURITE)
    return _answer(request, post)


@endpoint(methods=("POST",), scopes=("write:favourites",))
def status_unfavourite(request, post_id: int):
    post = _post(request, post_id)
    post_services.reaction_remove(post=post, user=request.user)
    return _answer(request, post)


def _people_page(request, queryset, person_field: str):
    rows = page(request, queryset.select_related(f"{person_field}__profile"))
    people = [getattr(row, person_field) for row in rows]
    return paged_response(request, rows, serializers.accounts(people, request=request))


@endpoint(scopes=("read:statuses",))
def status_favourited_by(request, post_id: int):
    """Everyone who reacted (any kind of reaction: each is a favourite to a Mastodon client)."""
    post = _post(request, post_id)
    return _people_page(request, Reaction.objects.filter(post=post), "user")


@endpoint(methods=("POST",), scopes=("write:statuses",))
def status_reblog(request, post_id: int):
    """A share of the post with no comment, company-wide (Ruche's rule: a share never widens who
    may read the original; a share of a community post shows it only to its readers)."""
    original = _post(request, post_id)
    share = post_services.post_share(author=request.user, original=original, body="")
    return _answer(request, share)


def _own_shares(request, original: Post):
    target = original.shared_post if original.is_share and original.shared_post else original
    return Post.objects.filter(author=request.user, shared_post=target, deleted_at__isnull=True)


@endpoint(methods=("POST",), scopes=("write:statuses",))
def status_unreblog(request, post_id: int):
    original = _post(request, post_id)
    for share in _own_shares(request, original):
        post_services.post_delete(post=share, by=request.user)
    return _answer(request, original)


@endpoint(scopes=("read:statuses",))
def status_reblogged_by(request, post_id: int):
    """Who shared it, among the shares the caller may read."""
    post = _post(request, post_id)
    shares = visible_posts(request.user, Post.objects.filter(shared_post=post, is_share=True))
    return _people_page(request, shares, "author")


@endpoint(methods=("POST",), scopes=("write:bookmarks",))
def status_bookmark(request, post_id: int):
    post = _post(request, post_id)
    post_services.bookmark_set(post=post, user=request.user, saved=True)
    return _answer(request, post)


@endpoint(methods=("POST",), scopes=("write:bookmarks",))
def status_unbookmark(request, post_id: int):
    post = _post(request, post_id)
    post_services.bookmark_set(post=post, user=request.user, saved=False)
    return _answer(request, post)


@endpoint(methods=("POST",), scopes=("write:accounts",))
def status_pin(request, post_id: int):
    _post(request, post_id)
    raise ValidationError(_("Ruche has no profile pins."))


def _posts_page(request, queryset):
    rows = page(request, visible_posts(request.user, queryset))
    return paged_response(request, rows, _statuses(request, rows))


@endpoint(scopes=("read:bookmarks",))
def bookmarks(request):
    return _posts_page(request, Post.objects.filter(bookmarks__user=request.user))


@endpoint(scopes=("read:favourites",))
def favourites(request):
    return _posts_page(request, Post.objects.filter(reactions__user=request.user))


@endpoint(scopes=("read:statuses",))
def statuses_get(request):
    """Several statuses by `id[]` (at most 40), those the caller may read, in the order asked."""
    wanted = request.params.get("id", [])
    wanted = wanted if isinstance(wanted, list) else [wanted]
    ids = list(dict.fromkeys(pk for pk in (as_id(v) for v in wanted[:40]) if pk is not None))
    readable = set(visible_posts(request.user, Post.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    return JsonResponse(_statuses(request, [Post(pk=pk) for pk in ids if pk in readable]), safe=False)


@csrf_exempt
def statuses_root(request):
    """POST publishes; GET reads several by id (Mastodon 4.3)."""
    return statuses_get(request) if request.method in {"GET", "HEAD"} else status_create(request)


@csrf_exempt
def status_detail(request, post_id: int):
    """GET, PUT and DELETE share Mastodon's path; each view checks its own scope."""
    view = {"PUT": status_edit, "DELETE": status_delete}.get(request.method, status_get)
    return view(request, post_id)


def routes() -> list:
    from ruche.mastodon.urls import api

    s = "api/v1/statuses/<id:post_id>"
    return [
        *api("api/v1/statuses", statuses_root, "status_create"),
        *api(s, status_detail, "status"),
        *api(f"{s}/source", status_source, "status_source"),
        *api(f"{s}/history", status_history, "status_history"),
        *api(f"{s}/context", status_context, "status_context"),
        *api(f"{s}/favourite", status_favourite, "status_favourite"),
        *api(f"{s}/unfavourite", status_unfavourite, "status_unfavourite"),
        *api(f"{s}/favourited_by", status_favourited_by, "status_favourited_by"),
        *api(f"{s}/reblog", status_reblog, "status_reblog"),
        *api(f"{s}/unreblog", status_unreblog, "status_unreblog"),
        *api(f"{s}/reblogged_by", status_reblogged_by, "status_reblogged_by"),
        *api(f"{s}/bookmark", status_bookmark, "status_bookmark"),
        *api(f"{s}/unbookmark", status_unbookmark, "status_unbookmark"),
        *api(f"{s}/pin", status_pin, "status_pin"),
        *api(f"{s}/unpin", status_pin, "status_unpin"),
        *api("api/v1/bookmarks", bookmarks, "bookmarks"),
        *api("api/v1/favourites", favourites, "favourites"),
    ]
