"""Notifications about campaigns and ideas, run by the task worker after the change is committed,
at least once: each is safe to run again (event keys, ruche.notifications.services). Opening a
campaign notifies its whole population in bulk (batches of NOTIFY_BATCH rows)."""

from django.db.models import Q
from django.tasks import task
from django.utils import translation

from ruche.accounts.models import User
from ruche.ideas import policies
from ruche.ideas.models import Campaign, CoAuthor, Idea, IdeaFollow, IdeaTransition, Review
from ruche.notifications.services import Event, Kind, notify_each

NOTIFY_BATCH = 1000


def _notify_population(campaign: Campaign, kind: str, actor_id: int) -> int:
    """One notification per person in the population (ids streamed, rows written in batches)."""
    event = Event(kind, actor_id, f"campaign:{campaign.pk}", campaign_id=campaign.pk, detail=campaign.title)
    ids = policies.population(campaign).values_list("pk", flat=True).order_by("pk")
    return notify_each(event, ids.iterator(chunk_size=NOTIFY_BATCH), batch_size=NOTIFY_BATCH)


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


def _authors_and_followers(idea: Idea):
    accepted = CoAuthor.objects.filter(idea=idea, status=CoAuthor.Status.ACCEPTED).values("user_id")
    followers = IdeaFollow.objects.filter(idea=idea).values("user_id")
    people = User.objects.filter(Q(pk=idea.author_id) | Q(pk__in=accepted) | Q(pk__in=followers))
    return people.values_list("pk", flat=True)


@task()
def notify_idea_moved(transition_id: int) -> int:
    record = (
        IdeaTransition.objects.select_related("idea__post", "target", "by").filter(pk=transition_id).first()
    )
    if record is None:
        return 0

    def detail(user) -> str:  # in the reader's language: the stage's label is translated
        with translation.override(user.language or None):
            said = f"{record.idea.title} → {record.target.label}"
        return f"{said} · {record.rationale}" if record.rationale else said

    event = Event(
        Kind.IDEA_MOVED, record.by_id, f"transition:{record.pk}", post=record.idea.post, detail=detail
    )
    return notify_each(event, _authors_and_followers(record.idea))


@task()
def notify_idea_merged(idea_id: int, actor_id: int) -> int:
    idea = Idea.objects.select_related("merged_into__post").filter(pk=idea_id).first()
    if idea is None or idea.merged_into is None or not User.objects.filter(pk=actor_id).exists():
        return 0
    kept = idea.merged_into
    detail = f"{idea.title} → {kept.title}"
    event = Event(Kind.IDEA_MERGED, actor_id, f"idea:{idea.pk}", post=kept.post, detail=detail)
    return notify_each(event, {*_authors_and_followers(kept), idea.author_id})


@task()
def notify_coauthors(idea_id: int, user_ids: list[int]) -> int:
    idea = Idea.objects.select_related("post").filter(pk=idea_id).first()
    if idea is None:
        return 0
    event = Event(Kind.IDEA_COAUTHOR, idea.author_id, f"idea:{idea.pk}", post=idea.post, detail=idea.title)
    return notify_each(event, user_ids)


@task()
def notify_review_assigned(review_id: int) -> bool:
    review = Review.objects.select_related("idea__post").filter(pk=review_id).first()
    if review is None:
        return False
    idea = review.idea
    event = Event(
        Kind.IDEA_REVIEW, review.assigned_by_id, f"review:{review.pk}", post=idea.post, detail=idea.title
    )
    return notify_each(event, [review.reviewer_id]) > 0


@task()
def remind_closing_campaigns() -> int:
    from ruche.ideas.services import campaigns_remind_closing

    return len(campaigns_remind_closing())
