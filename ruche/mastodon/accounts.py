"""Mastodon's accounts (docs.joinmastodon.org/methods/accounts/): colleagues, their posts as the
viewer may read them, who follows whom, following and unfollowing through Ruche's services.

Everyone is on this server: `acct` is the handle. A deactivated colleague is still an account,
shown `suspended: true`, and cannot be followed (Ruche's `can_follow`: 403). Ruche has no profile
pins (`pinned=true` lists nothing), blocks, mutes or follow requests (anyone may follow).
"""

from django.db.models import Exists, OuterRef
from django.http import Http404, JsonResponse

from ruche.accounts import services as account_services
from ruche.accounts.models import Follow, User
from ruche.accounts.selectors import access_person, people_suggestions
from ruche.core.text import fold
from ruche.files.models import Attachment
from ruche.mastodon import serializers
from ruche.mastodon.endpoint import endpoint
from ruche.mastodon.pagination import as_id, limit_of, page, paged_response
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts
from ruche.posts.selectors import CARD_RELATED

PERSON = ("profile", "profile__department", "profile__site")


def _person(request, account_id: int) -> User:
    """The colleague with this id, through the directory's own access rule (404 alike)."""
    handle = User.objects.filter(pk=account_id).values_list("handle", flat=True).first()
    if handle is None:
        raise Http404
    return access_person(request.user, handle)


def _account(request, person: User) -> dict:
    loaded = User.objects.select_related(*PERSON).get(pk=person.pk)
    return serializers.account(loaded, request=request)


@endpoint(scopes=("read:accounts",))
def account_get(request, account_id: int):
    return JsonResponse(_account(request, _person(request, account_id)))


@endpoint(scopes=("read:accounts",))
def account_lookup(request):
    handle = str(request.params.get("acct", "")).lstrip("@").split("@")[0]
    if not handle:
        raise Http404
    return JsonResponse(_account(request, access_person(request.user, handle)))


def _truthy(value) -> bool:
    return str(value).lower() in {"1", "true", "on", "yes"}


@endpoint(scopes=("read:statuses",))
def account_statuses(request, account_id: int):
    """Their posts, replies and shares that the viewer may read (visible_posts), newest first."""
    person = _person(request, account_id)
    p = request.params
    posts = Post.objects.filter(author=person)
    if _truthy(p.get("pinned")):
        posts = posts.none()  # Ruche has no profile pins
    if _truthy(p.get("exclude_replies")):
        posts = posts.filter(parent__isnull=True)
    if _truthy(p.get("exclude_reblogs")):
        posts = posts.filter(is_share=False)
    if _truthy(p.get("only_media")):
        files = Attachment.objects.filter(holder_kind="post", holder_id=OuterRef("pk"))
        posts = posts.filter(Exists(files))
    if p.get("tagged"):
        posts = posts.filter(hashtags__key=fold(str(p["tagged"]).lstrip("#")))
    rows = page(request, visible_posts(request.user, posts))
    cards = Post.objects.select_related(*CARD_RELATED).in_bulk([r.pk for r in rows])
    data = serializers.statuses([cards[r.pk] for r in rows], viewer=request.user, request=request)
    return paged_response(request, rows, data)


def _people_page(request, follows, person_field: str):
    rows = page(request, follows.select_related(*(f"{person_field}__{f}" for f in PERSON)))
    people = [getattr(row, person_field) for row in rows]
    return paged_response(request, rows, serializers.accounts(people, request=request))


@endpoint(scopes=("read:accounts",))
def account_followers(request, account_id: int):
    person = _person(request, account_id)
    return _people_page(request, Follow.objects.filter(followed=person, follower__is_active=True), "follower")


@endpoint(scopes=("read:accounts",))
def account_following(request, account_id: int):
    person = _person(request, account_id)
    return _people_page(request, Follow.objects.filter(follower=person, followed__is_active=True), "followed")


def relationships_of(viewer, ids: list[int]) -> list[dict]:
    people = list(User.objects.filter(pk__in=ids).values_list("pk", flat=True))
    following = set(
        Follow.objects.filter(follower=viewer, followed_id__in=people).values_list("followed_id", flat=True)
    )
    followed_by = set(
        Follow.objects.filter(followed=viewer, follower_id__in=people).values_list("follower_id", flat=True)
    )
    known = set(people)
    return [
        {
            "id": str(pk),
            "following": pk in following,
            "showing_reblogs": pk in following,
            "notifying": False,
            "languages": None,
            "followed_by": pk in followed_by,
            "blocking": False,
            "blocked_by": False,
            "muting": False,
            "muting_notifications": False,
            "requested": False,
            "requested_by": False,
            "domain_blocking": False,
            "endorsed": False,
            "note": "",
        }
        for pk in dict.fromkeys(ids)
        if pk in known
    ]


@endpoint(scopes=("read:follows",))
def account_relationships(request):
    wanted = request.params.get("id", [])
    wanted = wanted if isinstance(wanted, list) else [wanted]
    ids = [pk for pk in (as_id(v) for v in wanted) if pk is not None]
    return JsonResponse(relationships_of(request.user, ids), safe=False)


@endpoint(methods=("POST",), scopes=("write:follows",))
def account_follow(request, account_id: int):
    person = _person(request, account_id)
    account_services.user_follow(follower=request.user, followed=person)
    return JsonResponse(relationships_of(request.user, [person.pk])[0])


@endpoint(methods=("POST",), scopes=("write:follows",))
def account_unfollow(request, account_id: int):
    person = _person(request, account_id)
    account_services.user_unfollow(follower=request.user, followed=person)
    return JsonResponse(relationships_of(request.user, [person.pk])[0])


def found_accounts(request, query: str, limit: int) -> list[dict]:
    """People whose name or handle starts with what is typed (the mention autocomplete's search)."""
    query = query.strip().lstrip("@").split("@")[0]
    if not query:
        return []
    people = people_suggestions(query, limit=limit)
    loaded = User.objects.select_related(*PERSON).in_bulk([p.pk for p in people])
    return serializers.accounts([loaded[p.pk] for p in people], request=request)


@endpoint(scopes=("read:accounts",))
def account_search(request):
    limit = limit_of(request, default=40, maximum=80)
    return JsonResponse(found_accounts(request, str(request.params.get("q", "")), limit), safe=False)


def routes() -> list:
    from ruche.mastodon.urls import api

    a = "api/v1/accounts/<id:account_id>"
    return [
        *api("api/v1/accounts/lookup", account_lookup, "account_lookup"),
        *api("api/v1/accounts/relationships", account_relationships, "account_relationships"),
        *api("api/v1/accounts/search", account_search, "account_search"),
        *api(a, account_get, "account"),
        *api(f"{a}/statuses", account_statuses, "account_statuses"),
        *api(f"{a}/followers", account_followers, "account_followers"),
        *api(f"{a}/following", account_following, "account_following"),
        *api(f"{a}/follow", account_follow, "account_follow"),
        *api(f"{a}/unfollow", account_unfollow, "account_unfollow"),
    ]
