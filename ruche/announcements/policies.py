"""Who may publish announcements, to whom, and who sees their read receipts."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ruche.accounts.policies import is_admin
from ruche.communities.models import Community


def _colleague(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_publish(user) -> bool:
    """Communications and executives (the `is_announcer` role, given by admins), and admins."""
    return _colleague(user) and (user.is_announcer or is_admin(user))


def can_target_community(user, community: Community, role: str | None) -> bool:
    """A public community's members may be addressed by any publisher; a private or secret one's only
    by its own members (or an admin): receipts list its members, who must not leak to outsiders."""
    if not can_publish(user) or not community.approved or community.is_archived:
        return False
    return community.visibility == Community.Visibility.PUBLIC or role is not None or is_admin(user)


def targetable_communities(user, communities):
    """`can_target_community`, in SQL, for a form's choices."""
    from django.db.models import Q

    from ruche.communities.models import Membership

    if not can_publish(user):
        return communities.none()
    communities = communities.filter(approved=True, archived_at__isnull=True)
    if is_admin(user):
        return communities
    mine = Membership.objects.filter(user=user).values("community_id")
    return communities.filter(Q(visibility=Community.Visibility.PUBLIC) | Q(pk__in=mine))


def can_manage(user, announcement) -> bool:
    """See the reach and the receipts, remind: the author, and admins."""
    return _colleague(user) and (announcement.author_id == user.pk or is_admin(user))


def can_view(user, announcement, receipt) -> bool:
    """Its recipients and those who manage it; for anyone else it does not exist."""
    return _colleague(user) and (receipt is not None or can_manage(user, announcement))


def can_dismiss(user, announcement, receipt) -> bool:
    """Unpin without confirming: only when no confirmation is asked for."""
    return _colleague(user) and receipt is not None and not announcement.requires_ack


def next_reminder_at(announcement):
    """When the next reminder may go out (None: now)."""
    if announcement.last_reminded_at is None:
        return None
    return announcement.last_reminded_at + timedelta(hours=settings.ANNOUNCEMENT_REMIND_HOURS)


def can_remind(user, announcement) -> bool:
    if not can_manage(user, announcement) or announcement.is_expired or announcement.delivered_at is None:
        return False
    due = next_reminder_at(announcement)
    return due is None or due <= timezone.now()


def can_view_id(user, pk: int) -> bool:
    """`can_view` for an announcement known by its id (who may download its attachments)."""
    from ruche.announcements.models import Announcement, Receipt

    announcement = Announcement.objects.filter(pk=pk).first()
    if announcement is None or not _colleague(user):
        return False
    receipt = Receipt.objects.filter(announcement=announcement, user=user).first()
    return can_view(user, announcement, receipt)


def existing_announcements(ids) -> set[int]:
    from ruche.announcements.models import Announcement

    return set(Announcement.objects.filter(pk__in=list(ids)).values_list("pk", flat=True))
