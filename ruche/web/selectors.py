"""What the home page's side column suggests: colleagues to follow, communities to join, the week's
tags. Each list's candidates are computed at most every few minutes per person (cached); what the
person did since (followed, joined) is checked fresh on every page, in one query per list."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ruche.accounts.models import Follow, Profile, User
from ruche.communities.models import Community, Membership
from ruche.communities.policies import joinable_communities
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts

SUGGESTIONS_TTL = 10 * 60  # seconds: suggestions need not be fresher than that
CANDIDATES = 12  # kept per list, so that following a few still leaves some to show
TRENDING_DAYS = 7


@dataclass(frozen=True)
class Trend:
    key: str
    name: str
    uses: int


LISTS = ("people", "communities", "tags")


def _cached(viewer, name: str, compute):
    return cache.get_or_set(f"web:suggest:{name}:{viewer.pk}", compute, SUGGESTIONS_TTL)


def forget_suggestions(user_id: int) -> None:
    """Compute this person's suggestions again on their next page (they left a community)."""
    cache.delete_many([f"web:suggest:{name}:{user_id}" for name in LISTS])


def _kept_order(objects, ids: list[int], limit: int) -> list:
    by_id = {obj.pk: obj for obj in objects}
    return [by_id[pk] for pk in ids if pk in by_id][:limit]


# People -------------------------------------------------------------------------------------------


def people_to_follow(viewer, limit: int = 3) -> list[User]:
    """Colleagues of the viewer's department, site or communities whom they do not follow yet:
    department first, then the most communities in common, then the most followed."""
    ids = _cached(viewer, "people", lambda: _people_candidates(viewer))
    if not ids:
        return []
    followed = Follow.objects.filter(follower=viewer, followed=OuterRef("pk"))
    people = (
        User.objects.filter(pk__in=ids, is_active=True).exclude(Exists(followed)).select_related("profile")
    )
    return _kept_order(people, ids, limit)


def _people_candidates(viewer) -> list[int]:
    place = Profile.objects.filter(pk=viewer.pk).values("department_id", "site_id").first() or {}
    department, site = place.get("department_id"), place.get("site_id")
    # The company-wide community has everyone in it: sharing it says nothing.
    communities = Membership.objects.filter(user=viewer, community__is_company_wide=False).values(
        "community_id"
    )
    in_common = (
        Membership.objects.filter(user=OuterRef("pk"), community_id__in=communities)
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    near = Q(Exists(Membership.objects.filter(user=OuterRef("pk"), community_id__in=communities)))
    if department:
        near |= Q(profile__department_id=department)
    if site:
        near |= Q(profile__site_id=site)
    candidates = (
        User.objects.filter(near, is_active=True, activated_at__isnull=False)
        .exclude(pk=viewer.pk)
        .exclude(Exists(Follow.objects.filter(follower=viewer, followed=OuterRef("pk"))))
        .annotate(
            colleague=Case(When(profile__department_id=department, then=1), default=0)
            if department
            else Value(0),
            in_common=Coalesce(Subquery(in_common, output_field=IntegerField()), Value(0)),
        )
        .order_by("-colleague", "-in_common", "-follower_count", "last_name", "pk")
    )
    return list(candidates.values_list("pk", flat=True)[:CANDIDATES])


# Communities --------------------------------------------------------------------------------------


def communities_to_join(viewer, limit: int = 3) -> list[Community]:
    """Public communities the viewer is not in, those most joined by their colleagues (the people
    they follow and their department) first, then the largest."""
    ids = _cached(viewer, "communities", lambda: _community_candidates(viewer))
    if not ids:
        return []
    return _kept_order(joinable_communities(viewer, Community.objects.filter(pk__in=ids)), ids, limit)


def _community_candidates(viewer) -> list[int]:
    department = Profile.objects.filter(pk=viewer.pk).values_list("department_id", flat=True).first()
    colleagues = Q(user__follower_set__follower=viewer)
    if department:
        colleagues |= Q(user__profile__department_id=department)
    colleague_members = (
        Membership.objects.filter(colleagues, community=OuterRef("pk"))
        .exclude(user=viewer)
        .values("community")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    candidates = (
        joinable_communities(viewer, Community.objects.filter(is_company_wide=False))
        .annotate(colleagues=Coalesce(Subquery(colleague_members, output_field=IntegerField()), Value(0)))
        .order_by("-colleagues", "-member_count", "name", "pk")
    )
    return list(candidates.values_list("pk", flat=True)[:CANDIDATES])


# Tags ---------------------------------------------------------------------------------------------


def trending_tags(viewer, limit: int = 6) -> list[Trend]:
    """The tags most used these 7 days in posts and replies the viewer may read. Counted over
    `visible_posts` only: a tag used only in a community, a campaign or a thread the viewer cannot
    read is never shown, and its uses there are never counted."""
    return _cached(viewer, "tags", lambda: _trends(viewer))[:limit]


def _trends(viewer) -> list[Trend]:
    since = timezone.now() - timedelta(days=TRENDING_DAYS)
    readable = visible_posts(viewer, Post.objects.filter(created__gte=since)).values("pk")
    rows = (
        Post.hashtags.through.objects.filter(post_id__in=readable)
        .values("hashtag__key", "hashtag__name")
        .annotate(uses=Count("post_id"))
        .order_by("-uses", "hashtag__key")[:CANDIDATES]
    )
    return [Trend(row["hashtag__key"], row["hashtag__name"], row["uses"]) for row in rows]


def home_suggestions(viewer) -> dict:
    return {
        "people_to_follow": people_to_follow(viewer),
        "communities_to_join": communities_to_join(viewer),
        "trending_tags": trending_tags(viewer),
    }
