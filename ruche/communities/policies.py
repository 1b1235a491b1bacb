"""Who may do what in communities. Every community permission check goes through here.

`role` is the viewer's Membership.Role in the community, or None: callers fetch it once
(selectors.role_of) so that a page asks the database one question, not one per button.
"""

from ruche.accounts.policies import is_admin
from ruche.communities.models import Community, CommunitySettings, Membership
from ruche.core.hooks import Hook

Role = Membership.Role
Visibility = Community.Visibility
MANAGERS = {Role.OWNER, Role.ANIMATOR}
MODERATORS = {Role.OWNER, Role.ANIMATOR, Role.MODERATOR}

# Whether the user may read the community's figures (user, community, role): the rule lives with the
# figures, in ruche.analytics (above), which provides it; the community's page links to them.
can_view_figures: Hook[[object, Community, str | None], bool] = Hook("communities.can_view_figures")


def _colleague(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_see_community(user, community: Community, role: str | None, invited: bool = False) -> bool:
    """Whether the community's page (its name, its about) exists for the user."""
    if not _colleague(user):
        return False
    if not community.approved:
        return community.created_by_id == user.pk or is_admin(user)
    if community.visibility == Visibility.SECRET:
        return role is not None or invited or is_admin(user)
    return True


def can_see_cover(user, name: str) -> bool:
    """A community's cover image, for those to whom the community exists."""
    community = Community.objects.filter(cover=name).first()
    if community is None:
        return False
    role = Membership.objects.filter(community=community, user=user).values_list("role", flat=True).first()
    return can_see_community(user, community, role)


def can_read(user, community: Community, role: str | None) -> bool:
    """Whether the user may read what is posted in it: public, or a member."""
    if not _colleague(user) or not community.approved:
        return False
    return community.visibility == Visibility.PUBLIC or role is not None


def _may_enter(user, community: Community, role: str | None, visibility: str) -> bool:
    return (
        _colleague(user)
        and role is None
        and community.approved
        and not community.is_archived
        and community.visibility == visibility
    )


def can_join(user, community: Community, role: str | None) -> bool:
    return _may_enter(user, community, role, Visibility.PUBLIC)


def can_request_to_join(user, community: Community, role: str | None) -> bool:
    return _may_enter(user, community, role, Visibility.PRIVATE)


def can_post(user, community: Community, role: str | None) -> bool:
    return _colleague(user) and role is not None and community.approved and not community.is_archived


def can_moderate(user, community: Community, role: str | None) -> bool:
    return _colleague(user) and (role in MODERATORS or is_admin(user))


def can_manage(user, community: Community, role: str | None) -> bool:
    """Approve requests, invite, remove members, change settings, archive."""
    return _colleague(user) and (role in MANAGERS or is_admin(user))


def can_change_role(user, community: Community, role: str | None, *, target_role: str, new_role: str) -> bool:
    """Give someone `new_role` in place of `target_role`. Animators manage members only: the owner
    role is granted and taken away by owners (and admins), so nobody promotes themselves to owner."""
    if not can_manage(user, community, role):
        return False
    if role == Role.OWNER or is_admin(user):
        return True
    return Role.OWNER not in (target_role, new_role)


def can_remove_member(user, community: Community, role: str | None, *, target_role: str | None) -> bool:
    """Remove someone from the community: an owner only by an owner (or an admin)."""
    if not can_manage(user, community, role):
        return False
    return target_role != Role.OWNER or role == Role.OWNER or is_admin(user)


def can_manage_owners(user, community: Community, role: str | None) -> bool:
    """Whether the members page offers the owner role and the owners' buttons."""
    return _colleague(user) and (role == Role.OWNER or is_admin(user))


def can_leave(user, community: Community, role: str | None) -> bool:
    return _colleague(user) and role is not None and not community.is_company_wide


def can_create(user, rules: CommunitySettings | None = None) -> bool:
    """Create a community outright (otherwise, under the 'request' policy, ask for one).
    A page asking several questions passes `rules` (CommunitySettings.current()) read once."""
    if not _colleague(user):
        return False
    policy = (rules or CommunitySettings.current()).creation_policy
    if policy == CommunitySettings.Creation.EVERYONE:
        return True
    return is_admin(user) or (policy == CommunitySettings.Creation.ANIMATORS and user.is_animator)


def can_request_creation(user, rules: CommunitySettings | None = None) -> bool:
    if not _colleague(user):
        return False
    return (rules or CommunitySettings.current()).creation_policy == CommunitySettings.Creation.REQUEST


def creation_abilities(user) -> dict[str, bool]:
    """`can_create` and `can_request` for a page, reading the governance settings once."""
    rules = CommunitySettings.current() if _colleague(user) else None
    return {"can_create": can_create(user, rules), "can_request": can_request_creation(user, rules)}


def can_approve_creation(user) -> bool:
    return is_admin(user)


def can_read_audit(user) -> bool:
    return is_admin(user)


def can_govern(user) -> bool:
    """Company-wide governance (who may create communities, private quotas) is the admins'."""
    return is_admin(user)


def moderated_community(user, post) -> Community | None:
    """A community of the post (or of its thread) that the user moderates; admins moderate them all."""
    root = post.parent or post
    placements = list(root.placements.select_related("community"))
    roles = dict(
        Membership.objects.filter(
            user=user, community_id__in=[p.community_id for p in placements]
        ).values_list("community_id", "role")
    )
    for placement in placements:
        if can_moderate(user, placement.community, roles.get(placement.community_id)):
            return placement.community
    return None


def can_moderate_post(user, post) -> bool:
    """Hide or restore a post or a reply, approve a waiting reply."""
    return is_admin(user) or moderated_community(user, post) is not None


def listed_communities(user, communities):
    """Narrow a Community queryset, in SQL, to those whose page exists for `user` (can_see_community):
    approved ones, secret ones only for their members and invitees (and admins)."""
    from django.db.models import Q

    from ruche.communities.models import Invitation

    if not _colleague(user):
        return communities.none()
    if is_admin(user):
        return communities.filter(Q(approved=True) | Q(created_by=user))
    member_of = Membership.objects.filter(user=user).values("community_id")
    invited_to = Invitation.objects.filter(user=user).values("community_id")
    return communities.filter(approved=True).filter(
        ~Q(visibility=Visibility.SECRET) | Q(pk__in=member_of) | Q(pk__in=invited_to)
    )


def joinable_communities(user, communities):
    """Narrow a Community queryset, in SQL, to those `user` may join in one click (can_join): public,
    approved, not archived, not already theirs."""
    if not _colleague(user):
        return communities.none()
    member_of = Membership.objects.filter(user=user).values("community_id")
    return communities.filter(visibility=Visibility.PUBLIC, approved=True, archived_at__isnull=True).exclude(
        pk__in=member_of
    )


def abilities(user, community: Community, role: str | None) -> dict[str, bool]:
    """What the viewer may do in the community, for a page or an API answer to show."""
    return {
        "can_read": can_read(user, community, role),
        "can_join": can_join(user, community, role),
        "can_request": can_request_to_join(user, community, role),
        "can_post": can_post(user, community, role),
        "can_leave": can_leave(user, community, role),
        "can_moderate": can_moderate(user, community, role),
        "can_manage": can_manage(user, community, role),
    }
