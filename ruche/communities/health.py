"""Community health, rolled up into CommunityStats so that no page view scans the posts."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ruche.communities.models import Community, CommunityStats, Membership, Placement
from ruche.posts.models import Post, Reaction

WINDOW = timedelta(days=28)
WEEKS = WINDOW.days / 7


# Activity is what members can read: not deleted, not hidden by a moderator, not awaiting approval.
SHOWN = Q(deleted_at__isnull=True, hidden_at__isnull=True, awaiting_approval=False)


def refresh(community: Community) -> CommunityStats:
    since = timezone.now() - WINDOW
    members = Membership.objects.filter(community=community, user__is_active=True, user__is_bot=False)
    posts = Post.objects.filter(
        SHOWN, placements__community=community, placements__status=Placement.Status.APPROVED
    )
    recent_posts = posts.filter(created__gte=since)
    replies = Post.objects.filter(SHOWN, parent__in=posts.values("pk"), created__gte=since)
    # reply_count also counts the replies waiting for approval: "answered" needs a shown reply.
    answered = Exists(Post.objects.filter(SHOWN, parent_id=OuterRef("pk")))
    authors = set(recent_posts.values_list("author_id", flat=True)) | set(
        replies.values_list("author_id", flat=True)
    )
    # Two indexed queries rather than one OR across a join, which scanned every reaction.
    recent = Reaction.objects.filter(created__gte=since)
    reacting = set(recent.filter(post__in=posts.values("pk")).values_list("user_id", flat=True))
    reacting |= set(recent.filter(post__in=replies.values("pk")).values_list("user_id", flat=True))
    member_ids = set(members.values_list("user_id", flat=True))
    participants = (set(replies.values_list("author_id", flat=True)) | reacting) & member_ids
    member_count = len(member_ids)
    stats, _created = CommunityStats.objects.update_or_create(
        community=community,
        defaults={
            "members": member_count,
            "active_members_28d": len((authors | reacting) & member_ids),
            "posts_per_week": round(recent_posts.count() / WEEKS, 1),
            "replies_per_week": round(replies.count() / WEEKS, 1),
            "participation": len(participants) / member_count if member_count else 0,
            "unanswered_posts": recent_posts.filter(~answered, parent__isnull=True).count(),
            "computed_at": timezone.now(),
        },
    )
    return stats
