"""Reads of campaigns and ideas for display: each page is a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from ruche.accounts.models import User
from ruche.core.prepared import prepared
from ruche.core.text import fold
from ruche.ideas import policies
from ruche.ideas.models import (
    Campaign,
    CoAuthor,
    Idea,
    IdeaFollow,
    IdeaTransition,
    Review,
    Score,
    Stage,
    Transition,
    Vote,
)
from ruche.posts.models import Post

PAGE_SIZE = 20
MAX_PAGES = 50  # bounded pagination: past 1,000 ideas, filter by stage
TRENDING_DAYS = 7
ORDERS = ("votes", "newest", "trending")
IDEA_RELATED = ("author", "author__profile", "stage")


def campaigns_for(viewer) -> list[Campaign]:
    """The campaigns the viewer may see: open ones first, then scheduled, drafts and closed."""
    campaigns = policies.visible_campaigns(viewer, Campaign.objects.all()).order_by("-ends_at")
    items = list(campaigns[:200])
    rank = {"open": 0, "scheduled": 1, "draft": 2, "closed": 3}
    return sorted(items, key=lambda c: rank[c.state])


@prepared("viewer", "now")
def _open_challenges(viewer, now, limit: int):
    campaigns = Campaign.objects.filter(
        opened_at__isnull=False,
        starts_at__lte=now,
        ends_at__gt=now,
        pk__in=policies.aimed_campaign_ids(viewer),
    )
    return campaigns.order_by("ends_at")[:limit]


def open_challenges(viewer, limit: int = 3) -> list[Campaign]:
    """The home page's box: campaigns open now and aimed at the viewer (one query)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return []
    return _open_challenges(viewer=viewer, now=timezone.now(), limit=limit)


@dataclass
class IdeaPage:
    items: list[Idea]
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def _mark_viewer(ideas: list[Idea], viewer) -> None:
    """The viewer's vote and follow on each idea: one query for both."""
    ids = [i.pk for i in ideas]
    voted = set(Vote.objects.filter(idea_id__in=ids, user_id=viewer.pk).values_list("idea_id", flat=True))
    for idea in ideas:
        idea.my_vote = idea.pk in voted


def campaign_ideas(
    viewer, campaign: Campaign, *, stage: Stage | None = None, order: str = "votes", page: int = 1
) -> IdeaPage:
    """One page of the campaign's ideas (not merged ones), filtered by stage, in the chosen order."""
    page = min(max(page, 1), MAX_PAGES)
    ideas = Idea.objects.filter(campaign=campaign, merged_into__isnull=True, post__deleted_at__isnull=True)
    if stage is not None:
        ideas = ideas.filter(stage=stage)
    ideas = ideas.order_by(*(["-post_id"] if order == "newest" else ["-vote_count", "-post_id"]))
    start = (page - 1) * PAGE_SIZE
    if order == "trending":
        items = _trending_page(campaign, ideas, start)
    else:
        items = list(_for_list(ideas)[start : start + PAGE_SIZE + 1])
    has_next = len(items) > PAGE_SIZE and page < MAX_PAGES
    items = items[:PAGE_SIZE]
    _mark_viewer(items, viewer)
    return IdeaPage(items, page, has_next)


def _for_list(ideas: QuerySet) -> QuerySet:
    return ideas.select_related(*IDEA_RELATED, "post").only(
        "post_id",
        "campaign_id",
        "title",
        "vote_count",
        "follower_count",
        "created",
        "author__first_name",
        "author__last_name",
        "author__handle",
        "author__email",
        "author__profile__photo",
        "stage__name",
        "post__reply_count",
        "post__body",
    )


TRENDING_SECONDS = 60


def trending_ids(campaign: Campaign) -> list[int]:
    """The ideas with votes in the last TRENDING_DAYS, most such votes first: counted from the votes
    index, and kept a minute (trending is a trend, not a tally; the page stays cheap)."""
    key = f"ideas:trending:{campaign.pk}"
    ranked = cache.get(key)
    if ranked is None:
        since = timezone.now() - datetime.timedelta(days=TRENDING_DAYS)
        ranked = list(
            Vote.objects.filter(campaign=campaign, created__gte=since)
            .values("idea_id")
            .annotate(n=Count("idea_id"))
            .order_by("-n", "-idea_id")
            .values_list("idea_id", flat=True)[: MAX_PAGES * PAGE_SIZE]
        )
        cache.set(key, ranked, TRENDING_SECONDS)
    return ranked


def _trending_page(campaign: Campaign, ideas: QuerySet, start: int) -> list[Idea]:
    """Ideas with recent votes first (as ranked), then the others, most voted first."""
    ranked = trending_ids(campaign)
    shown = set(ideas.filter(pk__in=ranked).values_list("pk", flat=True))
    order = [pk for pk in ranked if pk in shown]
    page_ids = order[start : start + PAGE_SIZE + 1]
    missing = PAGE_SIZE + 1 - len(page_ids)
    if missing > 0:
        skip = max(start - len(order), 0)
        page_ids += list(ideas.exclude(pk__in=order).values_list("pk", flat=True)[skip : skip + missing])
    by_pk = {i.pk: i for i in _for_list(Idea.objects.filter(pk__in=page_ids))}
    return [by_pk[pk] for pk in page_ids if pk in by_pk]


def stage_counts(campaign: Campaign) -> list[tuple[Stage, int]]:
    """Every stage of the workflow with its number of ideas (merged ones left out), in order."""
    counts = dict(
        Idea.objects.filter(campaign=campaign, merged_into__isnull=True, post__deleted_at__isnull=True)
        .values("stage_id")
        .annotate(n=Count("pk"))
        .values_list("stage_id", "n")
    )
    return [(s, counts.get(s.pk, 0)) for s in campaign.workflow.stages.all()]


def similar_ideas(viewer, campaign: Campaign, title: str, limit: int = 5) -> list[Idea]:
    """Ideas of the campaign whose title shares words with `title` (3 letters or more), most shared first."""
    words = {w for w in fold(title).replace("'", " ").split() if len(w) >= 3}
    if not words or not policies.can_view_campaign(viewer, campaign):
        return []
    matches = Q()
    for word in sorted(words)[:8]:
        matches |= Q(title_key__contains=word)
    candidates = Idea.objects.filter(matches, campaign=campaign, merged_into__isnull=True).only(
        "post_id", "title", "title_key", "vote_count"
    )[:200]
    scored = [(sum(w in i.title_key for w in words), i.vote_count, i) for i in candidates]
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return [i for _s, _v, i in scored[:limit]]


@dataclass
class IdeaDetail:
    idea: Idea
    post: Post
    history: list[IdeaTransition]
    coauthors: list[CoAuthor]
    invitation: CoAuthor | None
    moves: list[Stage]
    following: bool
    can_vote: bool
    can_move: bool
    can_manage: bool
    reviews: list[Review] = field(default_factory=list)
    my_review: Review | None = None
    criteria: list = field(default_factory=list)
    committee: list[User] = field(default_factory=list)
    duplicates: list[Idea] = field(default_factory=list)


def idea_detail(viewer, idea: Idea) -> IdeaDetail:
    """Everything the idea page shows; `idea` comes from `policies.access_idea`."""
    from ruche.posts.selectors import post_detail

    campaign = idea.campaign
    post = post_detail(viewer, idea.post_id)
    history = list(IdeaTransition.objects.filter(idea=idea).select_related("source", "target", "by"))
    coauthors = list(CoAuthor.objects.filter(idea=idea).select_related("user", "user__profile"))
    invitation = next((c for c in coauthors if c.user_id == viewer.pk and c.status == "invited"), None)
    _mark_viewer([idea], viewer)
    can_move = policies.can_move(viewer, idea) and idea.merged_into_id is None
    moves = (
        list(Stage.objects.filter(pk__in=Transition.objects.filter(source=idea.stage).values("target_id")))
        if can_move
        else []
    )
    detail = IdeaDetail(
        idea=idea,
        post=post,
        history=history,
        coauthors=[c for c in coauthors if c.status == "accepted"],
        invitation=invitation,
        moves=moves,
        following=IdeaFollow.objects.filter(idea=idea, user_id=viewer.pk).exists(),
        can_vote=policies.can_vote(viewer, idea),
        can_move=can_move,
        can_manage=policies.can_manage(viewer, campaign),
    )
    if policies.can_see_reviews(viewer, idea):
        detail.criteria = list(campaign.criteria.all())
        detail.reviews = _reviews([idea.pk], detail.criteria)[idea.pk]
        detail.my_review = next((r for r in detail.reviews if r.reviewer_id == viewer.pk), None)
    if detail.can_manage:
        detail.committee = list(campaign.reviewers.filter(is_active=True).order_by("first_name"))
        detail.duplicates = list(
            Idea.objects.filter(campaign=campaign, merged_into__isnull=True)
            .exclude(pk=idea.pk)
            .only("post_id", "title")
            .order_by("title")[:500]
        )
    return detail


def _reviews(idea_ids: list[int], criteria) -> dict[int, list[Review]]:
    """Reviews of the ideas with their scores in the criteria's order (two queries)."""
    reviews = list(
        Review.objects.filter(idea_id__in=idea_ids).select_related("reviewer").order_by("assigned_at", "pk")
    )
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for s in Score.objects.filter(review__in=reviews):
        scores[s.review_id][s.criterion_id] = s.value
    by_idea: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        review.values = [scores[review.pk].get(c.pk) for c in criteria]
        by_idea[review.idea_id].append(review)
    return by_idea


@dataclass
class CommitteeRow:
    idea: Idea
    reviews: list[Review]
    averages: list[float | None]
    average: float | None


def committee(viewer, campaign: Campaign) -> tuple[list, list[CommitteeRow]]:
    """The reviewed ideas the viewer may see (managers: all; reviewers: theirs), their scores side by
    side, ranked by the average score."""
    criteria = list(campaign.criteria.all())
    ideas = policies.reviewable_ideas(
        viewer,
        campaign,
        Idea.objects.filter(campaign=campaign, reviews__isnull=False, merged_into__isnull=True),
    )
    ideas = list(ideas.distinct().select_related("stage", "author"))
    reviews = _reviews([i.pk for i in ideas], criteria)
    rows = []
    for idea in ideas:
        mine = reviews[idea.pk]
        averages = []
        for n in range(len(criteria)):
            values = [r.values[n] for r in mine if r.values[n] is not None]
            averages.append(round(sum(values) / len(values), 1) if values else None)
        known = [a for a in averages if a is not None]
        rows.append(CommitteeRow(idea, mine, averages, round(sum(known) / len(known), 2) if known else None))
    rows.sort(key=lambda r: (r.average is None, -(r.average or 0), -r.idea.vote_count))
    return criteria, rows


@dataclass
class Results:
    population: int
    contributors: int
    voters: int
    votes: int
    ideas: int
    funnel: list[tuple[Stage, int, int, int]]  # stage, ideas, bar width and left edge (percent)
    top: list[Idea]
    decisions: list[IdeaTransition]
    implemented: list[Idea]

    def share(self, n: int) -> int:
        return round(100 * n / self.population) if self.population else 0

    @property
    def contributor_share(self) -> int:
        return self.share(self.contributors)

    @property
    def voter_share(self) -> int:
        return self.share(self.voters)


RESULTS_LISTED = 20  # decisions and implemented ideas on the results page (the CSV export has them all)


def results(campaign: Campaign) -> Results:
    """Participation, ideas per stage (the funnel), top ideas, decisions with rationale, implemented."""
    live = Idea.objects.filter(campaign=campaign, merged_into__isnull=True, post__deleted_at__isnull=True)
    population = policies.population(campaign).count()
    coauthors = CoAuthor.objects.filter(idea__campaign=campaign, status=CoAuthor.Status.ACCEPTED)
    # Authors and co-authors, each person once (UNION), counted by the database.
    contributors = live.order_by().values("author_id").union(coauthors.order_by().values("user_id")).count()
    voters = Vote.objects.filter(campaign=campaign).aggregate(n=Count("user_id", distinct=True))["n"]
    votes = live.aggregate(n=Sum("vote_count"))["n"] or 0
    stages = stage_counts(campaign)
    widest = max([n for _s, n in stages] + [1])
    funnel = []
    for s, n in stages:
        width = max(round(100 * n / widest), 1 if n else 0)
        funnel.append((s, n, width, (100 - width) // 2))  # a centred bar: its width and left edge
    top = list(live.select_related(*IDEA_RELATED).order_by("-vote_count", "-post_id")[:10])
    decisions = list(
        IdeaTransition.objects.filter(idea__campaign=campaign, target__decision=True)
        .select_related("idea", "target", "by")
        .order_by("-at")[:RESULTS_LISTED]
    )
    implemented = list(
        live.filter(stage__terminal=True, stage__decision=False)
        .select_related(*IDEA_RELATED)
        .order_by("-moved_at")[:50]
    )
    return Results(
        population=population,
        contributors=contributors,
        voters=voters,
        votes=votes,
        ideas=sum(n for _s, n in stages),
        funnel=funnel,
        top=top,
        decisions=decisions,
        implemented=implemented,
    )


EXPORT_HEADER = ["id", "title", "author", "stage", "votes", "followers", "created", "merged into"]


def export_rows(campaign: Campaign):
    """Every idea with its votes, stage and average score per criterion (for the CSV export)."""
    criteria = list(campaign.criteria.all())
    averages = defaultdict(dict)
    rows = (
        Score.objects.filter(review__idea__campaign=campaign)
        .values("review__idea_id", "criterion_id")
        .annotate(avg=Avg("value"))
    )
    for row in rows:
        averages[row["review__idea_id"]][row["criterion_id"]] = round(row["avg"], 2)
    yield [*EXPORT_HEADER, *(c.label for c in criteria)]
    ideas = (
        Idea.objects.filter(campaign=campaign)
        .select_related("author", "stage")
        .annotate(followers=F("follower_count"))
        .order_by("post_id")
    )
    for idea in ideas.iterator(chunk_size=1000):
        yield [
            idea.pk,
            idea.title,
            idea.author.full_name,
            idea.stage.label,
            idea.vote_count,
            idea.follower_count,
            idea.created.isoformat(),
            idea.merged_into_id or "",
            *(averages[idea.pk].get(c.pk, "") for c in criteria),
        ]
