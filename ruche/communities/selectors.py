"""Reads about communities: roles, pages, lists, queues, health."""

from datetime import timedelta

from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from ruche.communities import policies
from ruche.communities.models import (
    AuditEntry,
    Community,
    Invitation,
    JoinRequest,
    Membership,
    Placement,
    Report,
)
from ruche.core.pagination import Page
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts
from ruche.posts.selectors import WITH_AUTHOR, _page, hydrate


def role_of(user, community: Community) -> str | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, community=community).values_list("role", flat=True).first()


def roles_of(user, communities) -> dict[int, str]:
    return dict(
        Membership.objects.filter(user=user, community__in=communities).values_list("community_id", "role")
    )


def is_invited(user, community: Community) -> bool:
    return Invitation.objects.filter(user=user, community=community).exists()


def community_for(user, slug: str) -> tuple[Community, str | None]:
    """The community and the viewer's role; 404 when the viewer may not know it exists."""
    community = Community.objects.select_related("stats").filter(slug=slug).first()
    if community is None:
        raise Http404
    role = role_of(user, community)
    if not policies.can_see_community(user, community, role, invited=is_invited(user, community)):
        raise Http404
    return community, role


def community_feed(user, community: Community, role, *, before: int | None = None) -> Page[Post]:
    """Published posts of the community, newest first (pinned ones are shown apart)."""
    if not policies.can_read(user, community, role):
        return Page([], None)
    placed = Post.objects.top_level().filter(
        placements__community=community, placements__status=Placement.Status.APPROVED
    )
    return _page(visible_posts(user, placed), user, before)


def pinned_posts(user, community: Community, role) -> list[Post]:
    if not policies.can_read(user, community, role):
        return []
    posts = visible_posts(
        user,
        Post.objects.filter(
            placements__community=community,
            placements__status=Placement.Status.APPROVED,
            placements__pinned_at__isnull=False,
        ),
    ).select_related(*WITH_AUTHOR)
    return hydrate(list(posts.order_by("-placements__pinned_at")[:5]), user)


def members(community: Community, limit: int = 200) -> list[Membership]:
    return list(
        community.memberships.select_related("user", "user__profile", "user__profile__department")
        .filter(user__is_active=True)
        .order_by("role", "user__last_name")[:limit]
    )


def directory(user, *, kind: str = "", visibility: str = "", mine: bool = False, archived: bool = False,
              sort: str = "activity") -> list[Community]:  # fmt: skip
    """Communities the user may know of, with health figures and the user's role."""
    communities = Community.objects.select_related("stats").filter(approved=True)
    communities = communities.filter(archived_at__isnull=not archived)
    member_of = Membership.objects.filter(user=user).values("community_id")
    invited_to = Invitation.objects.filter(user=user).values("community_id")
    communities = communities.filter(
        ~Q(visibility=Community.Visibility.SECRET) | Q(pk__in=member_of) | Q(pk__in=invited_to)
    )
    if mine:
        communities = communities.filter(pk__in=member_of)
    if kind in Community.Kind.values:
        communities = communities.filter(kind=kind)
    if visibility in Community.Visibility.values:
        communities = communities.filter(visibility=visibility)
    order = {
        # Never computed (no stats row) sorts last on every database (PostgreSQL puts NULLs first).
        "activity": [
            F("stats__participation").desc(nulls_last=True),
            F("last_activity_at").desc(nulls_last=True),
            "name",
        ],
        "members": ["-member_count", "name"],
        "name": ["name"],
        "newest": ["-created"],
    }.get(sort, ["-last_activity_at"])
    result = list(communities.order_by(*order)[:500])
    roles = roles_of(user, result)
    for community in result:
        community.my_role = roles.get(community.pk)
    return result


def postable_communities(user) -> list[Community]:
    """Where the user may publish: communities they belong to that are open for posts."""
    if not user.is_authenticated:
        return []
    return list(
        Community.objects.filter(memberships__user=user, archived_at__isnull=True, approved=True).order_by(
            "-is_company_wide", "name"
        )
    )


def my_communities(user) -> list[Community]:
    return list(
        Community.objects.filter(memberships__user=user, archived_at__isnull=True, approved=True).order_by(
            "name"
        )
    )


def pending_requests(community: Community) -> list[JoinRequest]:
    return list(
        community.join_requests.filter(status=JoinRequest.Status.PENDING)
        .select_related("user", "user__profile")
        .order_by("created")
    )


def moderation_queue(community: Community) -> dict:
    """Posts and replies waiting for approval, and open reports, for the community's moderators."""
    waiting = list(
        Post.objects.filter(placements__community=community, placements__status=Placement.Status.PENDING)
        .select_related(*WITH_AUTHOR)
        .order_by("id")
    )
    replies = list(
        Post.objects.filter(
            parent__placements__community=community, awaiting_approval=True, deleted_at__isnull=True
        )
        .select_related(*WITH_AUTHOR, "parent")
        .order_by("id")
    )
    reports = list(
        Report.objects.filter(community=community, resolved_at__isnull=True)
        .select_related("reporter", "post", "post__author", "person")
        .order_by("id")
    )
    return {"posts": waiting, "replies": replies, "reports": reports}


def open_reports() -> list[Report]:
    """Every open report, for admins."""
    return list(
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("reporter", "post", "post__author", "person", "community")
        .order_by("id")
    )


def audit_log(*, action: str = "", community: int | None = None, actor: int | None = None,
              limit: int = 200) -> list[AuditEntry]:  # fmt: skip
    entries = AuditEntry.objects.select_related("actor", "community", "target", "post")
    if action:
        entries = entries.filter(action=action)
    if community:
        entries = entries.filter(community_id=community)
    if actor:
        entries = entries.filter(actor_id=actor)
    return list(entries[:limit])


def inactive_communities(weeks: int) -> list[Community]:
    """Candidates for archiving: no post or reply for `weeks` weeks."""
    since = timezone.now() - timedelta(weeks=weeks)
    return list(
        Community.objects.filter(archived_at__isnull=True, approved=True, is_company_wide=False)
        .filter(Q(last_activity_at__lt=since) | Q(last_activity_at__isnull=True, created__lt=since))
        .select_related("stats")
        .order_by("last_activity_at")
    )


def creation_requests() -> list[Community]:
    return list(Community.objects.filter(approved=False).select_related("created_by").order_by("created"))


# Page helpers for the community views (fetch-or-404 and small lists) ---------------------------


def pending_request_of(user, community: Community) -> JoinRequest | None:
    return community.join_requests.filter(user=user, status=JoinRequest.Status.PENDING).first()


def invitation_of(user, community: Community) -> Invitation | None:
    return Invitation.objects.filter(user=user, community=community).select_related("invited_by").first()


def my_invitations(user) -> list[Invitation]:
    """Invitations waiting for the user's answer (secret communities included: they were invited)."""
    return list(
        Invitation.objects.filter(user=user, community__approved=True, community__archived_at__isnull=True)
        .select_related("community", "invited_by")
        .order_by("-created")
    )


def join_request_in(community: Community, pk: int) -> JoinRequest:
    request = community.join_requests.select_related("user", "community").filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def member_user(community: Community, user_id: int):
    membership = community.memberships.select_related("user").filter(user_id=user_id).first()
    if membership is None:
        raise Http404
    return membership.user


def placement_in(community: Community, post_id: int) -> Placement:
    placement = (
        Placement.objects.select_related("post", "post__author", "community")
        .filter(community=community, post_id=post_id)
        .first()
    )
    if placement is None:
        raise Http404
    return placement


def waiting_reply_in(community: Community, post_id: int) -> Post:
    reply = (
        Post.objects.select_related("parent", "author")
        .filter(pk=post_id, parent__placements__community=community, awaiting_approval=True)
        .filter(deleted_at__isnull=True)
        .first()
    )
    if reply is None:
        raise Http404
    return reply


def report_by_id(pk: int) -> Report:
    report = Report.objects.select_related("post", "post__parent", "community").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def rule_in(community: Community, pk: int):
    rule = community.rules.select_related("community").filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def rules_of(community: Community) -> list:
    return list(community.rules.select_related("department", "site").order_by("id"))


def departures_of(community: Community, limit: int = 100) -> list:
    return list(community.departures.select_related("user").order_by("-created")[:limit])


def pinned_ids(community: Community, post_ids) -> set[int]:
    """Which of these posts are pinned in the community (for the moderators' pin buttons)."""
    return set(
        Placement.objects.filter(
            community=community, post_id__in=list(post_ids), pinned_at__isnull=False
        ).values_list("post_id", flat=True)
    )


def audit_filters() -> dict:
    """Choices for the audit log's filters."""
    actions = sorted(set(AuditEntry.objects.values_list("action", flat=True).distinct()))
    communities = list(Community.objects.order_by("name").only("pk", "name"))
    return {"actions": actions, "communities": communities}


def user_id_by_handle(handle: str) -> int | None:
    from ruche.accounts.models import User

    return User.objects.filter(handle=handle.strip().lstrip("@").lower()).values_list("pk", flat=True).first()
