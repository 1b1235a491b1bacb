"""Mastodon's notifications, read from Ruche's (`notifications.selectors.visible_notifications`:
a notification about a post the person may no longer read leaves the list, as on the page).

Kinds and Mastodon types (docs/api.md): a mention, a reply and a reply in a conversation are
`mention` (with the reply as the status), a reaction is `favourite`, a share `reblog`, a follower
`follow`, new content matching an alert `status`. Ruche's other kinds (communities, moderation,
ideas, announcements) have no Mastodon type: they are `ruche.<kind>`, listed only when a client
asks for them by name in `types[]`, since clients drop or trip on types they do not know.
"""

from django.http import Http404, JsonResponse

from ruche.mastodon import pagination, serializers, services
from ruche.mastodon.endpoint import endpoint
from ruche.notifications.models import Notification
from ruche.notifications.selectors import visible_notifications
from ruche.posts.models import Post
from ruche.posts.selectors import CARD_RELATED

Kind = Notification.Kind
MASTODON_TYPES = {
    Kind.MENTION: "mention",
    Kind.REPLY: "mention",
    Kind.THREAD_REPLY: "mention",
    Kind.REACTION: "favourite",
    Kind.SHARE: "reblog",
    Kind.FOLLOW: "follow",
    Kind.ALERT: "status",
}
RELATED = ("actor", "actor__profile", "actor__profile__department", "actor__profile__site")


def type_of(kind: str) -> str:
    return MASTODON_TYPES.get(kind, f"ruche.{kind}")


def kinds_of(types) -> set[str]:
    """Ruche's kinds behind these Mastodon types (custom `ruche.<kind>` ones included)."""
    wanted = set(types)
    return {kind for kind in Kind.values if type_of(kind) in wanted}


def _listed(request):
    """The person's notifications, narrowed by `types[]`, `exclude_types[]` and `account_id`."""
    rows = visible_notifications(request.user)
    params = request.params
    types = _as_list(params.get("types"))
    rows = rows.filter(kind__in=kinds_of(types) if types else set(MASTODON_TYPES))
    excluded = _as_list(params.get("exclude_types"))
    if excluded:
        rows = rows.exclude(kind__in=kinds_of(excluded))
    account = pagination.as_id(params.get("account_id"))
    if account is not None:
        rows = rows.filter(actor_id=account)
    return rows.select_related(*RELATED, "post")


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def notifications_json(notifications: list, *, viewer, request) -> list[dict]:
    """Mastodon Notifications, in order: accounts and statuses each serialised in one batch (the
    statuses for the person, with the same visibility as everywhere)."""
    people = {n.actor_id: n.actor for n in notifications}
    accounts = dict(zip(people, serializers.accounts(list(people.values()), request=request), strict=True))
    posts = {n.post_id: n.post for n in notifications if n.post_id}
    statuses = {
        int(s["id"]): s for s in serializers.statuses(list(posts.values()), viewer=viewer, request=request)
    }
    found = []
    for n in notifications:
        if n.post_id and n.post_id not in statuses:
            continue  # the post is no longer the reader's to see: nothing of it is told
        found.append(
            {
                "id": str(n.pk),
                "type": type_of(n.kind),
                "created_at": serializers.iso(n.created),
                "group_key": f"ungrouped-{n.pk}",
                "account": accounts[n.actor_id],
                "status": statuses.get(n.post_id),
            }
        )
    return found


def with_posts(notifications: list) -> list:
    """Load the notifications' posts as cards (one query), for the statuses."""
    ids = {n.post_id for n in notifications if n.post_id}
    cards = Post.objects.select_related(*CARD_RELATED).in_bulk(ids) if ids else {}
    for n in notifications:
        if n.post_id:
            n.post = cards[n.post_id]
    return notifications


@endpoint(scopes=("read:notifications",))
def notifications(request):
    rows = with_posts(pagination.page(request, _listed(request), maximum=80))
    data = notifications_json(rows, viewer=request.user, request=request)
    shown = {int(d["id"]) for d in data}
    return pagination.paged_response(request, [n for n in rows if n.pk in shown], data)


def _one(request, pk: int) -> Notification:
    found = visible_notifications(request.user).select_related(*RELATED).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@endpoint(scopes=("read:notifications",))
def notification(request, pk: int):
    data = notifications_json(with_posts([_one(request, pk)]), viewer=request.user, request=request)
    if not data:
        raise Http404
    return JsonResponse(data[0])


@endpoint(methods=("POST",), scopes=("write:notifications",))
def dismiss(request, pk: int):
    services.notification_dismiss(user=request.user, notification_id=_one(request, pk).pk)
    return JsonResponse({})


@endpoint(methods=("POST",), scopes=("write:notifications",))
def clear(request):
    services.notifications_clear(user=request.user)
    return JsonResponse({})


@endpoint(scopes=("read:notifications",))
def unread_count(request):
    """The badge's count (Ruche's own unread count, every kind)."""
    from ruche.notifications.selectors import unread_count as count

    return JsonResponse({"count": count(request.user)})
