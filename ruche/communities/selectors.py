"""Reads about communities: roles, pages, lists, queues, health."""

import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from ruche.accounts.policies import is_admin
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
from ruche.core.pagination import Page, page_from
from ruche.core.prepared import prepared
from ruche.posts.models import Post
from ruche.posts.selectors import SHARED_RELATED, WITH_AUTHOR, hydrate


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
    """The community and the viewer's role; 404 when the viewer may not know it exists.

    One query: the viewer's role and whether they are invited come with the community (and its
    health figures); `community.viewer_invited` tells the page whether to fetch the invitation."""
    communities = Community.objects.select_related("stats").filter(slug=slug)
    if user.is_authenticated:
        mine = Membership.objects.filter(community=OuterRef("pk"), user=user)
        communities = communities.annotate(
            viewer_role=Subquery(mine.values("role")[:1]),
            viewer_invited=Exists(Invitation.objects.filter(community=OuterRef("pk"), user=user)),
        )
    community = communities.first()
    if community is None:
        raise Http404
    role = getattr(community, "viewer_role", None)
    community.viewer_invited = getattr(community, "viewer_invited", False)
    if not policies.can_see_community(user, community, role, invited=community.viewer_invited):
        raise Http404
    return community, role


def _shown_placements(user, community: Community):
    """The community's published placements whose post the reader of the community may see.

    `visible_posts`, said for one community the viewer may read (policies.can_read): a post published
    here is readable through this very placement, so only the post's own state is left to check
    (the hydration asks `visible_posts` again, as the last word)."""
    return (
        Placement.objects.filter(community=community, status=Placement.Status.APPROVED)
        .filter(post__deleted_at__isnull=True)  # only top-level posts are placed
        .filter(Q(post__hidden_at__isnull=True, post__awaiting_approval=False) | Q(post__author=user))
        .select_related("post", *(f"post__{name}" for name in (*WITH_AUTHOR, *SHARED_RELATED)))
    )


def _posts_of(placements) -> list[Post]:
    """The placements' posts, each told whether it is pinned here (for the moderators' pin buttons)."""
    posts = []
    for placement in placements:
        placement.post.pinned_here = placement.pinned_at is not None
        posts.append(placement.post)
    return posts


def _feed_rows(user, community: Community, before: int | None, size: int) -> Page[Post]:
    placements = _shown_placements(user, community)
    if before:
        placements = placements.filter(post_id__lt=before)
    return page_from(_posts_of(placements.order_by("-post_id")[: size + 1]), size)


PINNED_SHOWN = 5


def _pinned_rows(user, community: Community) -> list[Post]:
    """The latest pinned posts (read on the partial index of pinned placements)."""
    pinned = _shown_placements(user, community).filter(pinned_at__isnull=False).order_by("-pinned_at")
    return _posts_of(pinned[:PINNED_SHOWN])


def community_feed(user, community: Community, role, *, before: int | None = None,
                   size: int | None = None) -> Page[Post]:  # fmt: skip
    """Published posts of the community, newest first (pinned ones are shown apart).

    A keyset page on the placements' (community, status, post) index, `?before=<post id>`: the
    database walks the community's placements from the newest and stops after the page's rows."""
    if not policies.can_read(user, community, role):
        return Page([], None)
    page = _feed_rows(user, community, before, size or settings.FEED_PAGE_SIZE)
    hydrate(page.items, user)
    return page


def pinned_posts(user, community: Community, role) -> list[Post]:
    if not policies.can_read(user, community, role):
        return []
    return hydrate(_pinned_rows(user, community), user)


def community_page(user, community: Community, role, *, before: int | None = None,
                   size: int | None = None) -> tuple[list[Post], Page[Post]]:  # fmt: skip
    """The community page's posts: the pinned ones (first page only) and a page of the feed,
    hydrated together (one set of hydration queries for both)."""
    if not policies.can_read(user, community, role):
        return [], Page([], None)
    page = _feed_rows(user, community, before, size or settings.FEED_PAGE_SIZE)
    pinned = [] if before else _pinned_rows(user, community)
    shown = hydrate(pinned + [post for post in page.items if post not in pinned], user)
    kept = {post.pk: post for post in shown}
    # The same post may be pinned and on the page: both lists point at its hydrated object.
    page.items = [kept[post.pk] for post in page.items if post.pk in kept]
    return [kept[post.pk] for post in pinned if post.pk in kept], page


def members(community: Community, limit: int = 200) -> list[Membership]:
    return list(
        community.memberships.select_related("user", "user__profile", "user__profile__department")
        .filter(user__is_active=True, user__is_bot=False)  # an integration's seat is not a member
        .order_by("role", "user__last_name")[:limit]
    )


DIRECTORY_PAGE_SIZE = 24
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)

# Each sort is a keyset: (annotation or field, descending?), the last one unique. Nulls are folded
# into values that sort last (no figures yet, no activity yet) so that one comparison works on
# SQLite and PostgreSQL alike.
DIRECTORY_SORTS: dict[str, list[tuple[str, bool]]] = {
    "activity": [("key_participation", True), ("key_activity", True), ("name", False), ("pk", False)],
    "members": [("member_count", True), ("name", False), ("pk", False)],
    "name": [("name", False), ("pk", False)],
    "newest": [("created", True), ("pk", True)],
}
_KEY_TYPES = {"key_participation": float, "key_activity": datetime, "created": datetime,
              "member_count": int, "pk": int, "name": str}  # fmt: skip


@dataclass
class DirectoryPage(Page[Community]):
    """A page of the directory; `next_cursor` is an opaque keyset cursor, `total` is given on the
    first page only (it comes with the page's rows, in the same query)."""

    total: int | None = None


def _encode_cursor(values: list) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(raw: str | None, keys: list[tuple[str, bool]]) -> list | None:
    """The cursor's values, typed; anything malformed means "first page"."""
    if not raw:
        return None
    try:
        values = json.loads(urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        typed = []
        for (name, _desc), value in zip(keys, values, strict=True):
            kind = _KEY_TYPES[name]
            if kind is datetime:
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    return None
            elif kind is float:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    return None
                value = float(value)
            elif not isinstance(value, kind) or isinstance(value, bool):
                return None
            typed.append(value)
        return typed
    except (ValueError, TypeError):
        return None


def _after(keys: list[tuple[str, bool]], values: list) -> Q:
    """Rows after the cursor in the keyset order: (a, b, c) > (a0, b0, c0), directions included."""
    after = Q(pk__in=[])
    for i, (name, desc) in enumerate(keys):
        step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
        for (earlier, _desc), value in zip(keys[:i], values[:i], strict=True):
            step &= Q(**{earlier: value})
        after |= step
    return after


def directory(user, *, kind: str = "", visibility: str = "", mine: bool = False, archived: bool = False,
              sort: str = "activity", after: str | None = None,
              size: int = DIRECTORY_PAGE_SIZE) -> DirectoryPage:  # fmt: skip
    """Communities the user may know of, with health figures and the user's role, a page at a time
    (keyset pages in the chosen order: `after` is the previous page's `next_cursor`)."""
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
    keys = DIRECTORY_SORTS.get(sort, DIRECTORY_SORTS["activity"])
    if sort not in DIRECTORY_SORTS:
        sort = "activity"
    if sort == "activity":
        communities = communities.annotate(
            key_participation=Coalesce(F("stats__participation"), Value(-1.0), output_field=FloatField()),
            key_activity=Coalesce(F("last_activity_at"), Value(_NEVER), output_field=DateTimeField()),
        )
    cursor = _decode_cursor(after, keys)
    if cursor is None:
        # How many match, in the same query as the page: the count of the rows before LIMIT.
        communities = communities.annotate(total=Window(Count("pk")))
    else:
        communities = communities.filter(_after(keys, cursor))
    order = [f"-{name}" if desc else name for name, desc in keys]
    rows = list(communities.order_by(*order)[: size + 1])
    total = rows[0].total if rows and cursor is None else (0 if cursor is None else None)
    page = page_from(rows, size, key=lambda last: _encode_cursor([getattr(last, name) for name, _d in keys]))
    roles = roles_of(user, page.items)
    for community in page.items:
        community.my_role = roles.get(community.pk)
    return DirectoryPage(page.items, page.next_cursor, total)


@prepared("viewer")
def _postable(viewer, rows: bool):
    communities = Community.objects.filter(memberships__user=viewer, archived_at__isnull=True, approved=True)
    communities = communities.order_by("-is_company_wide", "name")
    return communities.values("pk", "name", "visibility") if rows else communities


def postable_communities(user) -> list[Community]:
    """Where the user may publish: communities they belong to that are open for posts."""
    if not user.is_authenticated:
        return []
    return _postable(viewer=user, rows=False)


def composer_choices(user) -> list[dict]:
    """The same communities as the composer on every home page lists them: pk, name, visibility
    (rows, not objects: fifty communities cost 0.6 ms instead of 2.3)."""
    if not user.is_authenticated:
        return []
    return _postable(viewer=user, rows=True)


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


def _readable_or_404(viewer, community: Community) -> None:
    """What is inside a community the viewer cannot read (its requests, members, placements, rules,
    reports) does not exist for them: 404, as for an id that does not exist, never a 403 that would
    confirm it (an existence oracle). Readers who may not act get the service's refusal."""
    role = community.viewer_role if hasattr(community, "viewer_role") else role_of(viewer, community)
    if not policies.can_read(viewer, community, role) and not is_admin(viewer):
        raise Http404


def join_request_in(community: Community, pk: int, *, viewer) -> JoinRequest:
    request = community.join_requests.select_related("user", "community").filter(pk=pk).first()
    if request is None:
        raise Http404
    if request.user_id != viewer.pk:  # one's own request is known to its author
        _readable_or_404(viewer, community)
    return request


def member_user(community: Community, user_id: int, *, viewer):
    _readable_or_404(viewer, community)
    membership = community.memberships.select_related("user").filter(user_id=user_id).first()
    if membership is None:
        raise Http404
    return membership.user


def placement_in(community: Community, post_id: int, *, viewer) -> Placement:
    _readable_or_404(viewer, community)
    placement = (
        Placement.objects.select_related("post", "post__author", "community")
        .filter(community=community, post_id=post_id)
        .first()
    )
    if placement is None:
        raise Http404
    return placement


def waiting_reply_in(community: Community, post_id: int, *, viewer) -> Post:
    _readable_or_404(viewer, community)
    reply = (
        Post.objects.select_related("parent", "author")
        .filter(pk=post_id, parent__placements__community=community, awaiting_approval=True)
        .filter(deleted_at__isnull=True)
        .first()
    )
    if reply is None:
        raise Http404
    return reply


def report_by_id(pk: int, *, viewer) -> Report:
    report = Report.objects.select_related("post", "post__parent", "community").filter(pk=pk).first()
    if report is None:
        raise Http404
    if report.community is not None:
        _readable_or_404(viewer, report.community)
    return report


def rule_in(community: Community, pk: int, *, viewer):
    _readable_or_404(viewer, community)
    rule = community.rules.select_related("community").filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


def rules_of(community: Community) -> list:
    return list(community.rules.select_related("department", "site").order_by("id"))


def departures_of(community: Community, limit: int = 100) -> list:
    return list(community.departures.select_related("user").order_by("-created")[:limit])


def audit_filters() -> dict:
    """Choices for the audit log's filters."""
    codes = set(AuditEntry.objects.values_list("action", flat=True).distinct())
    actions = sorted(((code, AuditEntry.label_of(code)) for code in codes), key=lambda choice: choice[1])
    communities = list(Community.objects.order_by("name").only("pk", "name"))
    return {"actions": actions, "communities": communities}


def user_id_by_handle(handle: str) -> int | None:
    from ruche.accounts.models import User

    return User.objects.filter(handle=handle.strip().lstrip("@").lower()).values_list("pk", flat=True).first()
