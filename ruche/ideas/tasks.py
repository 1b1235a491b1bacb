"""Notifications about campaigns and ideas, run by the task worker after the change is committed.
Opening a campaign notifies its whole population in bulk (batches of NOTIFY_BATCH rows)."""

from django.tasks import task
from django.utils import translation

from ruche.accounts.models import User
from ruche.ideas import policies
from ruche.ideas.models import Campaign, CoAuthor, Idea, IdeaFollow, IdeaTransition, Review
from ruche.notifications.models import Channel, Notification
from ruche.notifications.preferences import turned_off
from ruche.notifications.services import Kind, notify
from ruche.realtime.events import notifications_added

NOTIFY_BATCH = 1000


def _notify_population(campaign: Campaign, kind: str, actor_id: int) -> int:
    """One notification per person in the population (ids streamed, rows written in batches)."""
    sent = 0
    batch: list[Notification] = []
    ids = (
        policies.population(campaign)
        .exclude(pk=actor_id)
        .exclude(pk__in=turned_off(kind, Channel.IN_APP))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    for pk in ids.iterator(chunk_size=NOTIFY_BATCH):
        batch.append(
            Notification(
                recipient_id=pk, kind=kind, actor_id=actor_id, campaign=campaign, detail=campaign.title[:500]
            )
        )
        if len(batch) >= NOTIFY_BATCH:
            sent += _write(batch)
            batch = []
    return sent + _write(batch)


def _write(batch: list[Notification]) -> int:
    """Bulk notifications, and each recipient's badge goes up live (realtime) after commit."""
    made = Notification.objects.bulk_create(batch)
    if made:
        notifications_added(n.recipient_id for n in made)
    return len(made)


@task()
def notify_campaign_opened(campaign_id: int, actor_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id, opened_at__isnull=False).first()
    return 0 if campaign is None else _notify_population(campaign, Kind.CAMPAIGN_OPENED, actor_id)


@task()
def notify_campaign_closing(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id, opened_at__isnull=False).first()
    return (
        0 if campaign is None else _notify_population(campaign, Kind.CAMPAIGN_CLOSING, campaign.created_by_id)
    )


def _with_detail(recipient, kind, actor, post, detail: str) -> bool:
    """`notify` (nobody told of their own act, nothing about what they may not see, preferences
    and e-mail honoured) with a detail."""
    return notify(recipient=recipient, kind=kind, actor=actor, post=post, detail=detail[:500]) is not None


def _authors_and_followers(idea: Idea) -> list[User]:
    accepted = CoAuthor.objects.filter(idea=idea, status=CoAuthor.Status.ACCEPTED).values("user_id")
    followers = IdeaFollow.objects.filter(idea=idea).values("user_id")
    from django.db.models import Q

    return list(User.objects.filter(Q(pk=idea.author_id) | Q(pk__in=accepted) | Q(pk__in=followers)))


@task()
def notify_idea_moved(transition_id: int) -> int:
    record = (
        IdeaTransition.objects.select_related("idea__post", "target", "by").filter(pk=transition_id).first()
    )
    if record is None:
        return 0
    sent = 0
    for user in _authors_and_followers(record.idea):
        with translation.override(user.language or None):
            detail = f"{record.idea.title} → {record.target.label}"
            if record.rationale:
                detail += f" · {record.rationale}"
        sent += _with_detail(user, Kind.IDEA_MOVED, record.by, record.idea.post, detail)
    return sent


@task()
def notify_idea_merged(idea_id: int, actor_id: int) -> int:
    idea = Idea.objects.select_related("merged_into__post").filter(pk=idea_id).first()
    actor = User.objects.filter(pk=actor_id).first()
    if idea is None or idea.merged_into is None or actor is None:
        return 0
    kept = idea.merged_into
    recipients = {u.pk: u for u in _authors_and_followers(kept)}
    recipients.setdefault(idea.author_id, idea.author)
    return sum(
        _with_detail(u, Kind.IDEA_MERGED, actor, kept.post, f"{idea.title} → {kept.title}")
        for u in recipients.values()
    )


@task()
def notify_coauthors(idea_id: int, user_ids: list[int]) -> int:
    idea = Idea.objects.select_related("post", "author").filter(pk=idea_id).first()
    if idea is None:
        return 0
    return sum(
        _with_detail(u, Kind.IDEA_COAUTHOR, idea.author, idea.post, idea.title)
        for u in User.objects.filter(pk__in=user_ids)
    )


@task()
def notify_review_assigned(review_id: int) -> bool:
    review = (
        Review.objects.select_related("idea__post", "reviewer", "assigned_by").filter(pk=review_id).first()
    )
    if review is None:
        return False
    return _with_detail(
        review.reviewer, Kind.IDEA_REVIEW, review.assigned_by, review.idea.post, review.idea.title
    )


@task()
def remind_closing_campaigns() -> int:
    from ruche.ideas.services import campaigns_remind_closing

    return len(campaigns_remind_closing())
