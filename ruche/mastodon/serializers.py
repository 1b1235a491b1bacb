"""Ruche's rows in Mastodon's JSON shapes (docs.joinmastodon.org/entities/).

Batched: `accounts(users, request=...)` serialises a list of people with a constant number of
queries (their counts in three grouped queries); `account(user, request=...)` is the one-person
case. Ids are strings, as Mastodon's. Absolute URLs are built from the request (the address the
client typed).

Mapping (docs/api.md, "Use your favourite Mastodon app"): username and acct are the handle (no
domain: everyone is on this server); display_name is the directory's name; note is the bio;
fields are the job title, department and site; avatar is the photo or a default image;
locked is false (anyone may follow), bot is false.
"""

from collections import defaultdict
from datetime import UTC

from django.db.models import Count, Max
from django.templatetags.static import static
from django.utils.html import escape, linebreaks

from ruche.accounts.models import Follow, User
from ruche.posts.models import Post


def iso(moment) -> str | None:
    """Mastodon's timestamps: ISO 8601 in UTC, with milliseconds and a Z."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _counts(user_ids: list[int]) -> dict[int, dict]:
    counts = {pk: {"followers": 0, "following": 0, "statuses": 0, "last": None} for pk in user_ids}
    for row in Follow.objects.filter(followed_id__in=user_ids).values("followed_id").annotate(n=Count("id")):
        counts[row["followed_id"]]["followers"] = row["n"]
    for row in Follow.objects.filter(follower_id__in=user_ids).values("follower_id").annotate(n=Count("id")):
        counts[row["follower_id"]]["following"] = row["n"]
    posts = Post.objects.filter(author_id__in=user_ids, parent__isnull=True, deleted_at__isnull=True)
    for row in posts.values("author_id").annotate(n=Count("id"), last=Max("created")):
        counts[row["author_id"]]["statuses"] = row["n"]
        counts[row["author_id"]]["last"] = row["last"]
    return counts


def _fields(profile) -> list[dict]:
    if profile is None:
        return []
    from django.utils.translation import gettext as _

    pairs = [
        (_("Job title"), profile.job_title),
        (_("Department"), profile.department.name if profile.department_id else ""),
        (_("Site"), profile.site.name if profile.site_id else ""),
    ]
    return [{"name": name, "value": escape(value), "verified_at": None} for name, value in pairs if value]


def accounts(users: list[User], *, request) -> list[dict]:
    """Mastodon Accounts for these people, in order. Load them with
    `select_related("profile", "profile__department", "profile__site")` to keep the count constant."""
    counts = _counts([user.pk for user in users])
    return [_account(user, counts[user.pk], request) for user in users]


def account(user: User, *, request) -> dict:
    return accounts([user], request=request)[0]


def _account(user: User, counts: dict, request) -> dict:
    profile = getattr(user, "profile", None)
    photo = profile.photo if profile is not None and profile.photo else None
    avatar = request.build_absolute_uri(photo.url if photo else static("mastodon/avatar.png"))
    header = request.build_absolute_uri(static("mastodon/header.png"))
    created = user.date_joined
    data = {
        "id": str(user.pk),
        "username": user.handle,
        "acct": user.handle,
        "display_name": user.full_name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": False,  # never searchable from outside the company
        "group": False,
        "created_at": iso(created.replace(hour=0, minute=0, second=0, microsecond=0)),
        "note": linebreaks(escape(profile.bio)) if profile is not None and profile.bio else "",
        "url": request.build_absolute_uri(user.get_absolute_url()),
        "uri": request.build_absolute_uri(user.get_absolute_url()),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": counts["followers"],
        "following_count": counts["following"],
        "statuses_count": counts["statuses"],
        "last_status_at": counts["last"].date().isoformat() if counts["last"] else None,
        "hide_collections": False,
        "noindex": True,
        "emojis": [],
        "roles": [],
        "fields": _fields(profile),
    }
    if not user.is_active:
        data["suspended"] = True  # a deactivated colleague: still an account, but gone
    return data


def credential_account(user: User, *, request) -> dict:
    """verify_credentials' CredentialAccount: the Account plus `source` (the raw bio, defaults)."""
    found = account(user, request=request)
    profile = getattr(user, "profile", None)
    found["source"] = {
        "privacy": "public",
        "sensitive": False,
        "language": user.language or "",
        "note": profile.bio if profile is not None else "",
        "fields": [
            {"name": f["name"], "value": profile and f["value"], "verified_at": None} for f in found["fields"]
        ],
        "follow_requests_count": 0,
        "hide_collections": False,
        "discoverable": True,
        "indexable": False,
    }
    found["role"] = {"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False}
    return found


# Statuses -------------------------------------------------------------------------------------------


def _size(width, height) -> dict:
    return {"width": width, "height": height, "size": f"{width}x{height}", "aspect": width / height}


def attachment(attachment, request) -> dict:
    """A MediaAttachment: Ruche keeps images (re-encoded, with a thumbnail: preview_url) and
    documents (`unknown`, as Mastodon calls a file it does not play); no video or audio. The
    description is the file's name (Ruche has no separate alt text)."""
    url = request.build_absolute_uri(attachment.file.url)
    preview = request.build_absolute_uri(attachment.thumbnail.url) if attachment.thumbnail else None
    meta = {}
    if attachment.width and attachment.height:
        meta["original"] = _size(attachment.width, attachment.height)
        meta["small"] = meta["original"]
    return {
        "id": str(attachment.pk),
        "type": "image" if attachment.is_image else "unknown",
        "url": url,
        "preview_url": preview or (url if attachment.is_image else None),
        "remote_url": None,
        "text_url": None,
        "meta": meta,
        "description": attachment.name,
        "blurhash": None,
    }


_attachment = attachment


def statuses(posts: list[Post], *, viewer, request) -> list[dict]:
    """Mastodon Statuses for `posts` (load them with `posts.selectors.CARD_RELATED`), in order,
    leaving out every post `viewer` may not read: `posts.selectors.hydrate` asks the visibility
    policy once for the page and the shares' originals, and batches the rest (reactions, files,
    communities) in a constant number of queries.

    Visibility: `public` for a post in no community (company-wide), `private` for a post placed in
    a community (its readers only). A share is a reblog of its original when the viewer may read
    it; a share whose original they may not read is left out, as Mastodon has no "not available".
    """
    from ruche.posts.selectors import hydrate

    hydrate(posts, viewer)
    posts = [p for p in posts if not p.is_share or (p.shared and p.shared.available)]
    people = {p.author_id: p.author for p in posts}
    for post in posts:
        if post.is_share:
            people[post.shared.post.author_id] = post.shared.post.author
    parents = dict(
        Post.objects.filter(pk__in={p.parent_id for p in posts if p.parent_id}).values_list("pk", "author_id")
    )
    by_id = {
        person.pk: data
        for person, data in zip(
            people.values(), accounts(list(people.values()), request=request), strict=True
        )
    }
    _annotate(posts, viewer, request)
    return [_status(post, by_id, parents, request) for post in posts]


def _annotate(posts: list[Post], viewer, request) -> None:
    """Mentions, hashtags and whether the viewer shared each post (and each shown original): three
    queries, whatever the number of posts."""
    shown = posts + [p.shared.post for p in posts if p.is_share]
    ids = [p.pk for p in shown]
    mentions, tags = defaultdict(list), defaultdict(list)
    through = Post.mentions.through.objects.filter(post_id__in=ids).select_related("user").order_by("pk")
    for row in through:
        person = row.user
        url = request.build_absolute_uri(person.get_absolute_url())
        mentions[row.post_id].append(
            {"id": str(person.pk), "username": person.handle, "acct": person.handle, "url": url}
        )
    for row in Post.hashtags.through.objects.filter(post_id__in=ids).select_related("hashtag").order_by("pk"):
        url = request.build_absolute_uri(row.hashtag.get_absolute_url())
        tags[row.post_id].append({"name": row.hashtag.name, "url": url})
    shared = set(
        Post.objects.filter(author_id=viewer.pk, shared_post_id__in=ids, deleted_at__isnull=True).values_list(
            "shared_post_id", flat=True
        )
    )
    for post in shown:
        post.mastodon_mentions = mentions.get(post.pk, [])
        post.mastodon_tags = tags.get(post.pk, [])
        post.mastodon_reblogged = post.pk in shared


def _card(post: Post, request) -> dict | None:
    """Ruche's link preview of the post's first address, once fetched (ruche.links)."""
    preview = post.link_preview if post.link_preview_id and not post.link_preview_hidden else None
    if preview is None or preview.status != "ready":
        return None
    image = request.build_absolute_uri(preview.image.url) if preview.image else None
    return {
        "url": preview.url,
        "title": preview.title,
        "description": preview.description,
        "type": "link",
        "author_name": "",
        "author_url": "",
        "provider_name": preview.site_name,
        "provider_url": "",
        "html": "",
        "width": 0,
        "height": 0,
        "image": image,
        "embed_url": "",
        "blurhash": None,
    }


def status(post: Post, *, viewer, request) -> dict | None:
    found = statuses([post], viewer=viewer, request=request)
    return found[0] if found else None


def _status(post: Post, by_id: dict, parents: dict, request) -> dict:
    original = post.shared.post if post.is_share else None
    shown = original or post
    url = request.build_absolute_uri(shown.get_absolute_url())
    data = {
        "id": str(post.pk),
        "uri": request.build_absolute_uri(post.get_absolute_url()),
        "url": request.build_absolute_uri(post.get_absolute_url()),
        "created_at": iso(post.created),
        "edited_at": iso(post.edited_at),
        "account": by_id[post.author_id],
        "content": "" if original else post.body_html,
        "spoiler_text": "",
        "visibility": "private" if getattr(post, "communities", None) else "public",
        "sensitive": False,
        "language": None,
        "in_reply_to_id": str(post.parent_id) if post.parent_id else None,
        "in_reply_to_account_id": str(parents[post.parent_id]) if post.parent_id in parents else None,
        "replies_count": post.reply_count,
        "reblogs_count": post.share_count,
        "favourites_count": post.reaction_count,
        "favourited": post.my_reaction is not None,
        "reblogged": getattr(shown, "mastodon_reblogged", False),
        "muted": False,
        "bookmarked": bool(getattr(post, "saved", False)),
        "pinned": False,
        "media_attachments": [] if original else [_attachment(a, request) for a in post.files],
        "mentions": [] if original else getattr(post, "mastodon_mentions", []),
        "tags": [] if original else getattr(post, "mastodon_tags", []),
        "emojis": [],
        "card": None if original else _card(post, request),
        "poll": None,
        "application": None,
        "reblog": None,
    }
    if original is not None:
        data["reblog"] = _status_of_original(original, by_id, parents, request) | {"url": url}
    return data


def _status_of_original(original: Post, by_id, parents, request) -> dict:
    original.is_share = False
    original.shared = None
    original.my_reaction = getattr(original, "my_reaction", None)
    original.files = getattr(original, "files", [])
    return _status(original, by_id, parents, request)
