"""Mastodon's lists are Ruche's communities: `GET /api/v1/lists` answers the communities the
person belongs to (`communities.selectors.my_communities`, as the sidebar), a list's timeline is the
community's feed (`community_feed`, the community page's posts) and its accounts are the members.
Communities are made, joined and left in Ruche: the write endpoints answer 422 saying so.

A list id is a community id; one the person does not belong to (left, never joined, may not read,
archived) is `Record not found`, for the list, its accounts and its timeline alike.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from ruche.communities.models import Community, Membership
from ruche.communities.policies import can_read
from ruche.communities.selectors import community_feed, my_communities
from ruche.mastodon import pagination, serializers
from ruche.mastodon.endpoint import endpoint
from ruche.mastodon.selectors import PERSON
from ruche.mastodon.timelines import answer, feed_page


def _list(community: Community) -> dict:
    return {"id": str(community.pk), "title": community.name, "replies_policy": "list", "exclusive": False}


def my_list(user, pk: int) -> tuple[Community, str]:
    """The community `pk` with the person's role, if it is one of their lists; Http404 otherwise."""
    mine = {c.pk: c for c in my_communities(user)}
    community = mine.get(pk)
    role = Membership.objects.filter(user=user, community_id=pk).values_list("role", flat=True).first()
    if community is None or role is None or not can_read(user, community, role):
        raise Http404
    return community, role


def _scoped(request) -> None:
    """Reading needs read:lists, writing write:lists (the decorator let either through)."""
    if not request.bearer.grants("read:lists" if request.method == "GET" else "write:lists"):
        raise PermissionDenied


def _refuse():
    raise ValidationError(_("Communities are managed in Ruche: create, join and leave them there."))


@endpoint(methods=("GET", "POST"), scopes=("read:lists", "write:lists"))
def lists(request):
    _scoped(request)
    if request.method == "POST":
        _refuse()
    return JsonResponse([_list(c) for c in my_communities(request.user)], safe=False)


@endpoint(methods=("GET", "PUT", "DELETE"), scopes=("read:lists", "write:lists"))
def one_list(request, pk: int):
    _scoped(request)
    community, _role = my_list(request.user, pk)
    if request.method != "GET":
        _refuse()
    return JsonResponse(_list(community))


@endpoint(methods=("GET", "POST", "DELETE"), scopes=("read:lists", "write:lists"))
def list_accounts(request, pk: int):
    """The members who are still colleagues, paged by their id (as Mastodon pages a list's accounts)."""
    _scoped(request)
    community, _role = my_list(request.user, pk)
    if request.method != "GET":
        _refuse()
    people = community.memberships.filter(user__is_active=True).select_related(
        *(f"user__{name}" for name in PERSON)
    )
    rows = pagination.page(request, people, key="user_id", maximum=80)
    data = serializers.accounts([m.user for m in rows], request=request)
    return pagination.paged_response(request, rows, data, key="user_id")


@endpoint(scopes=("read:lists",))
def list_timeline(request, pk: int):
    user = request.user
    community, role = my_list(user, pk)
    return answer(
        request,
        feed_page(
            request, lambda before, size: community_feed(user, community, role, before=before, size=size)
        ),
    )
