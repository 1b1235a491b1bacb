"""Who may see which analytics figures (docs/analytics.md): aggregates only, never what one person
did, except to that person."""

from django.conf import settings

from ruche.accounts.policies import can_invite, is_admin
from ruche.communities.policies import can_manage, can_see_community


def group_too_small(people: int) -> bool:
    """A figure about fewer people than RUCHE_ANALYTICS_MIN_GROUP (but some) is shown as "fewer
    than N": a small department's figure would tell what its few members did."""
    return 0 < people < settings.ANALYTICS_MIN_GROUP


def can_view_activity_of(viewer, person) -> bool:
    """One person's own figures are theirs alone: not their manager's, not an administrator's."""
    return viewer.is_authenticated and viewer.pk == person.pk


def can_view_company(user) -> bool:
    """The company's dashboard: administrators and analysts (internal communications, HR)."""
    return is_admin(user) or bool(user.is_authenticated and user.is_active and user.is_analyst)


def can_view_searches(user) -> bool:
    """What people searched for may hold a name or a sensitive word: the same readers as the
    company's figures, who are named by administrators for that."""
    return can_view_company(user)


def can_remind(user) -> bool:
    """Re-sending invitations is inviting: administrators."""
    return can_invite(user)


def can_view_community(user, community, role: str | None) -> bool:
    """A community's figures: its owners and animators, and the company's readers (to whom the
    community exists: a secret one's figures stay with its members)."""
    if can_manage(user, community, role):
        return True
    return can_view_company(user) and can_see_community(user, community, role)


def can_subscribe_summary(user) -> bool:
    """The weekly summary e-mail is the company's dashboard in short."""
    return can_view_company(user)


def reach_announcements(user, announcements):
    """The announcements whose reach the company's dashboard lists for `user`, in SQL: all of them
    for administrators; for analysts, those sent to everyone or to departments and sites (company
    news), and those they may read anyway (received or written, announcements.policies.can_view).
    One sent to a community's members stays with them: its title may tell what the community does."""
    from django.db.models import Exists, OuterRef, Q

    from ruche.announcements.models import Announcement, Receipt

    if not can_view_company(user):
        return announcements.none()
    if is_admin(user):
        return announcements
    to_communities = Announcement.communities.through.objects.filter(announcement_id=OuterRef("pk"))
    received = Receipt.objects.filter(user=user).values("announcement_id")
    return announcements.filter(~Exists(to_communities) | Q(author=user) | Q(pk__in=received))
