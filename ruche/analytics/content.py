"""The company's dashboard, content sections: communities, questions and answers, searches,
announcements' reach and idea campaigns. Each lists only what the viewer may know exists (the
communities, announcements and campaigns policies), hides figures about fewer than
RUCHE_ANALYTICS_MIN_GROUP people (`tables.people`, `tables.guarded`), and asks the database a fixed
number of questions however many communities, questions or campaigns there are."""

import datetime
import hashlib
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.accounts.models import User
from ruche.analytics import charts, policies
from ruche.analytics.models import CommunityDay, CommunityPersonDay, SearchDay
from ruche.analytics.period import Period
from ruche.analytics.sections import Ask, company_section
from ruche.analytics.services import day_bounds
from ruche.analytics.tables import HIDDEN, Column, Table, for_chart, guarded, people, share
from ruche.announcements.models import Announcement
from ruche.communities.models import Community, Membership, Placement
from ruche.communities.policies import listed_communities
from ruche.ideas.models import Campaign, Idea
from ruche.ideas.models import Vote as IdeaVote
from ruche.ideas.policies import audience as campaign_audience
from ruche.ideas.policies import visible_campaigns
from ruche.posts.models import Post
from ruche.qa.models import Question

ALIVE_SHOWN = 10  # the most and the least alive communities
ANIMATOR_DAYS = 28
ANIMATORS = (Membership.Role.OWNER, Membership.Role.ANIMATOR)
MEDIAN_MIN = 5  # answered questions: a median of fewer would be one question's delay
SEARCHES_SHOWN = 20
APPROVED = Placement.Status.APPROVED


def moments(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as a half-open range of moments (the company's local days)."""
    return day_bounds(period.start)[0], day_bounds(period.end)[1]


def _text(key: str, label) -> Column:
    return Column(key, str(label), "text")


def _minus(now, before):
    """A difference of two figures, unknown when either is hidden."""
    return None if HIDDEN in (now, before) or None in (now, before) else now - before


# Communities -------------------------------------------------------------------------------------


def seeing_the_same_communities(viewer) -> str:
    """Readers who may see the same communities read the same figures (the sections' cache key)."""
    ids = dashboard_communities(viewer).order_by("pk").values_list("pk", flat=True)
    return hashlib.blake2b(",".join(map(str, ids)).encode(), digest_size=12).hexdigest()


def dashboard_communities(viewer):
    """The communities the dashboard shows to `viewer`: those that exist for them (a secret one only
    for its members and administrators), approved, not archived (an archived one is left out: it is
    read-only, its figures are history)."""
    return listed_communities(viewer, Community.objects.filter(approved=True, archived_at__isnull=True))


@dataclass(eq=False)  # two communities may share a name and figures: compared by identity
class CommunityFigures:
    name: str
    active: int  # distinct people who did something there during the period (raw: for ordering)
    contributions: int  # posts, replies and answers written there during the period
    members_start: int | None  # at the end of the day before the period; None: before the facts began
    members_end: int  # at the end of the period's last day
    animated: bool  # an owner or animator did something there in the last 28 days of the period
    slug: str = ""  # its figures' page

    def row(self) -> list:
        start = None if self.members_start is None else people(self.members_start)
        end = people(self.members_end)
        return [
            self.name,
            people(self.active),
            guarded(self.contributions, self.active),
            start,
            end,
            _minus(end, start),
        ]


@dataclass
class Communities:
    figures: list[CommunityFigures]
    most_alive: list[CommunityFigures]
    least_alive: list[CommunityFigures]
    losing: list[CommunityFigures]
    unanimated: list[CommunityFigures]
    tables: list[Table] = field(default_factory=list)

    @property
    def listed(self) -> int:
        return len(self.figures)

    @property
    def alive(self) -> int:
        return sum(1 for figures in self.figures if figures.active)

    @property
    def charted(self) -> bool:
        return any(people(figures.active) is not HIDDEN for figures in self.most_alive)

    @property
    def chart(self):
        return charts.bar_chart(
            title=_("Active people in the most alive communities"),
            bars=[(figures.name, for_chart(people(figures.active))) for figures in self.most_alive],
        )


def _community_activity(ask: Ask, listed) -> dict[int, tuple[int, int]]:
    """community id -> (active people, posts + replies + answers) over the period, for the scope."""
    rows = (
        CommunityPersonDay.objects.filter(
            ask.scope.people("user__"),
            community__in=listed.values("pk"),
            day__gte=ask.period.start,
            day__lte=ask.period.end,
        )
        .values_list("community")
        .annotate(active=Count("user", distinct=True), written=Sum("posts") + Sum("replies") + Sum("answers"))
        .order_by()
    )
    return {community: (active, written) for community, active, written in rows}


def _members(ask: Ask, listed) -> dict[tuple[int, datetime.date], int]:
    """(community id, day) -> members at the end of that day, for the day before the period and its
    last day (CommunityDay keeps the history: memberships left are gone from Membership)."""
    days = [ask.period.start - datetime.timedelta(days=1), ask.period.end]
    rows = CommunityDay.objects.filter(community__in=listed.values("pk"), day__in=days)
    return {(community, day): n for community, day, n in rows.values_list("community", "day", "members")}


def _animated(ask: Ask, listed) -> set[int]:
    """The communities where an owner or animator (today's) did something in the last 28 days of the
    period: posted, replied, answered, reacted or voted there (a visit is not counted per community)."""
    recent = ask.period.ending(ANIMATOR_DAYS)
    animator = Membership.objects.filter(
        community=OuterRef("community"), user=OuterRef("user"), role__in=ANIMATORS
    )
    rows = CommunityPersonDay.objects.filter(
        Exists(animator), community__in=listed.values("pk"), day__gte=recent.start, day__lte=recent.end
    )
    return set(rows.values_list("community", flat=True).distinct())


@company_section(
    "communities", _("Communities"), "analytics/sections/communities.html", shared=seeing_the_same_communities
)
def communities(ask: Ask) -> Communities:
    listed = dashboard_communities(ask.viewer)
    activity = _community_activity(ask, listed)
    members = _members(ask, listed)
    animated = _animated(ask, listed)
    before = ask.period.start - datetime.timedelta(days=1)
    figures = []
    rows = listed.values_list("pk", "name", "member_count", "created", "slug")
    for pk, name, member_count, created, slug in rows:
        active, written = activity.get(pk, (0, 0))
        end = members.get((pk, ask.period.end))
        if end is None and ask.period.end >= ask.today:  # today's facts not computed yet
            end = member_count
        start = members.get((pk, before))
        if start is None and timezone.localdate(created) > before:
            start = 0  # created during the period
        figures.append(CommunityFigures(name, active, written, start, end or 0, pk in animated, slug))
    figures.sort(key=lambda f: f.name.casefold())
    liveliest = sorted(figures, key=lambda f: (-f.active, -f.contributions))  # ties by name
    quietest = sorted(figures, key=lambda f: (f.active, f.contributions))
    most = [f for f in liveliest if f.active][:ALIVE_SHOWN]
    data = Communities(
        figures=figures,
        most_alive=most,
        least_alive=[f for f in quietest if f not in most][:ALIVE_SHOWN],
        losing=sorted(
            (f for f in figures if f.members_start is not None and f.members_end < f.members_start),
            key=lambda f: f.members_end - f.members_start,
        ),
        unanimated=[f for f in figures if not f.animated],
    )
    data.tables = _communities_tables(data)
    return data


def _communities_tables(data: Communities) -> list[Table]:
    columns = [
        _text("community", _("Community")),
        Column("active", str(_("Active people"))),
        Column("written", str(_("Posts and replies"))),
        Column("members_start", str(_("Members at the start"))),
        Column("members_end", str(_("Members at the end"))),
        Column("change", str(_("Change in members"))),
    ]

    def table(name: str, title, rows: list[CommunityFigures], empty) -> Table:
        links = [reverse("analytics:community", args=[f.slug]) for f in rows]
        return Table(f"communities.{name}", str(title), columns, [f.row() for f in rows], str(empty), links)

    return [
        table("most_alive", _("The most alive"), data.most_alive, _("No activity in a community.")),
        table("least_alive", _("The least alive"), data.least_alive, _("No community.")),
        table("losing", _("Losing members"), data.losing, _("No community lost members.")),
        table(
            "unanimated",
            _("No owner or animator active in the last 28 days"),
            data.unanimated,
            _("Every community had an owner or animator active."),
        ),
    ]


# Questions and answers ---------------------------------------------------------------------------


def _answered_by(end) -> Q:
    return Q(first_answer_at__lt=end)


def _unanswered_at(end, prefix: str = "") -> Q:
    return Q(**{f"{prefix}first_answer_at__isnull": True}) | Q(**{f"{prefix}first_answer_at__gte": end})


def questions_asked(ask: Ask, period: Period):
    """The questions asked during `period` by the scope's people, still there (not deleted, not
    hidden by a moderator)."""
    start, end = moments(period)
    return Question.objects.filter(
        ask.scope.people("post__author__"),
        post__created__gte=start,
        post__created__lt=end,
        post__deleted_at__isnull=True,
        post__hidden_at__isnull=True,
    )


@dataclass
class Questions:
    asked: int
    asked_before: int
    answered: int
    answered_before: int
    resolved: int
    median_hours: float | None
    by_community: list[list]  # community, asked, unanswered, share unanswered
    tables: list[Table] = field(default_factory=list)

    @property
    def answered_share(self) -> float | None:
        return share(self.answered, self.asked)

    @property
    def answered_share_before(self) -> float | None:
        return share(self.answered_before, self.asked_before)

    @property
    def resolved_share(self) -> float | None:
        return share(self.resolved, self.asked)

    @property
    def charted(self) -> bool:
        """A chart of bars all hidden would draw nothing: the table says it."""
        return any(row[2] is not HIDDEN for row in self.by_community)

    @property
    def chart(self):
        return charts.bar_chart(
            title=_("Unanswered questions by community"),
            bars=[(row[0], for_chart(row[2])) for row in self.by_community[:ALIVE_SHOWN]],
        )


def _question_counts(ask: Ask) -> dict:
    """Asked, answered and resolved during the period and the previous one (each by its own end),
    with how many people asked: one query."""
    before = ask.period.previous()
    end, end_before = moments(ask.period)[1], moments(before)[1]
    now = Q(post__created__gte=moments(ask.period)[0])
    then = ~now
    return questions_asked(ask, Period(before.start, ask.period.end)).aggregate(
        asked=Count("pk", filter=now),
        askers=Count("post__author", distinct=True, filter=now),
        answered=Count("pk", filter=now & _answered_by(end)),
        resolved=Count("pk", filter=now & Q(accepted_answer__isnull=False, accepted_at__lt=end)),
        asked_before=Count("pk", filter=then),
        askers_before=Count("post__author", distinct=True, filter=then),
        answered_before=Count("pk", filter=then & _answered_by(end_before)),
    )


def _median_hours(ask: Ask) -> float | None:
    end = moments(ask.period)[1]
    answered = questions_asked(ask, ask.period).filter(_answered_by(end))
    delays = [
        (first - created).total_seconds() / 3600
        for created, first in answered.values_list("post__created", "first_answer_at")
    ]
    return round(statistics.median(delays), 1) if len(delays) >= MEDIAN_MIN else None


def _unanswered_by_community(ask: Ask) -> list[list]:
    """Per community the viewer may see, then for questions in none: the questions asked during the
    period and those still without an answer at its end. Two queries."""
    end = moments(ask.period)[1]
    asked = questions_asked(ask, ask.period)
    open_ = _unanswered_at(end, "post__question__")
    placed = (
        Placement.objects.filter(
            status=APPROVED,
            community__in=dashboard_communities(ask.viewer).values("pk"),
            post__in=asked.values("post"),
        )
        .values_list("community__name")
        .annotate(
            asked=Count("post", distinct=True),
            askers=Count("post__author", distinct=True),
            open=Count("post", distinct=True, filter=open_),
            open_askers=Count("post__author", distinct=True, filter=open_),
        )
        .order_by()
    )
    rows = list(placed)
    elsewhere = asked.exclude(post__placements__status=APPROVED).aggregate(
        asked=Count("pk"),
        askers=Count("post__author", distinct=True),
        open=Count("pk", filter=_unanswered_at(end)),
        open_askers=Count("post__author", distinct=True, filter=_unanswered_at(end)),
    )
    rows.append((str(_("No community")), *elsewhere.values()))
    rows.sort(key=lambda row: (-row[3], row[0].casefold()))
    shown = []
    for name, n, askers, unanswered, open_askers in rows:
        if unanswered:
            n, unanswered = guarded(n, askers), guarded(unanswered, open_askers)
            shown.append([name, n, unanswered, share(unanswered, n)])
    return shown


@company_section(
    "questions",
    _("Questions and answers"),
    "analytics/sections/questions.html",
    shared=seeing_the_same_communities,
)
def questions(ask: Ask) -> Questions:
    counts = _question_counts(ask)
    median = _median_hours(ask)  # asked even when hidden: as many queries whatever the figures
    data = Questions(
        asked=guarded(counts["asked"], counts["askers"]),
        asked_before=guarded(counts["asked_before"], counts["askers_before"]),
        answered=guarded(counts["answered"], counts["askers"]),
        answered_before=guarded(counts["answered_before"], counts["askers_before"]),
        resolved=guarded(counts["resolved"], counts["askers"]),
        median_hours=None if people(counts["askers"]) is HIDDEN else median,
        by_community=_unanswered_by_community(ask),
    )
    data.tables = _questions_tables(data)
    return data


def _questions_tables(data: Questions) -> list[Table]:
    summary = Table(
        "questions.summary",
        str(_("Questions and answers")),
        [
            _text("figure", _("Figure")),
            Column("value", str(_("Value")), "number"),
            Column("before", str(_("Previous period")), "number"),
        ],
        [
            [str(_("Questions asked")), data.asked, data.asked_before],
            [str(_("Answered (at least one answer)")), data.answered, data.answered_before],
            [str(_("Answered (%)")), data.answered_share, data.answered_share_before],
            [str(_("Resolved (an answer accepted)")), data.resolved, None],
            [str(_("Resolved (%)")), data.resolved_share, None],
            [str(_("Median hours to the first answer")), data.median_hours, None],
        ],
    )
    unanswered = Table(
        "questions.unanswered",
        str(_("Unanswered questions by community")),
        [
            _text("community", _("Community")),
            Column("asked", str(_("Questions asked"))),
            Column("unanswered", str(_("Unanswered"))),
            Column("share", str(_("Unanswered (%)")), "percent"),
        ],
        data.by_community,
        empty=str(_("Every question asked during the period has an answer.")),
    )
    return [summary, unanswered]


# Searches ----------------------------------------------------------------------------------------


@dataclass
class Searches:
    searches: int
    empty: int
    frequent: list[list]  # query, searches, found nothing
    fruitless: list[list]  # query, found nothing, searches
    tables: list[Table] = field(default_factory=list)

    @property
    def empty_share(self) -> float | None:
        return share(self.empty, self.searches)


@company_section(
    "searches",
    _("Searches"),
    "analytics/sections/searches.html",
    may_view=policies.can_view_searches,
    shared=True,
)
def searches(ask: Ask) -> Searches:
    """What people looked for: the texts only (who searched is not stored), company-wide."""
    days = SearchDay.objects.filter(day__gte=ask.period.start, day__lte=ask.period.end)
    totals = days.aggregate(searches=Sum("searches", default=0), empty=Sum("empty", default=0))
    per_query = days.values("query").annotate(n=Sum("searches"), e=Sum("empty")).order_by()
    frequent = per_query.order_by("-n", "query").values_list("query", "n", "e")[:SEARCHES_SHOWN]
    fruitless = per_query.filter(e__gt=0).order_by("-e", "query").values_list("query", "e", "n")
    data = Searches(
        searches=totals["searches"],
        empty=totals["empty"],
        frequent=[list(row) for row in frequent],
        fruitless=[list(row) for row in fruitless[:SEARCHES_SHOWN]],
    )
    data.tables = _searches_tables(data)
    return data


def _searches_tables(data: Searches) -> list[Table]:
    query = _text("query", _("Search"))
    frequent = Table(
        "searches.frequent",
        str(_("The most frequent searches")),
        [query, Column("searches", str(_("Searches"))), Column("empty", str(_("Found nothing")))],
        data.frequent,
        empty=str(_("Nobody searched during the period.")),
    )
    fruitless = Table(
        "searches.fruitless",
        str(_("Searches that found nothing")),
        [query, Column("empty", str(_("Found nothing"))), Column("searches", str(_("Searches")))],
        data.fruitless,
        empty=str(_("Every search found something.")),
    )
    return [frequent, fruitless]


# Announcements' reach ----------------------------------------------------------------------------


@dataclass
class Reach:
    rows: list[list]  # title, published, recipients, opened, share, confirmed, share confirmed
    recipients: int
    opened: int
    tables: list[Table] = field(default_factory=list)

    @property
    def published(self) -> int:
        return len(self.rows)

    @property
    def opened_share(self) -> float | None:
        return share(self.opened, self.recipients)


@company_section("announcements", _("Announcements' reach"), "analytics/sections/announcements.html")
def announcements(ask: Ask) -> Reach:
    start, end = moments(ask.period)
    published = policies.reach_announcements(
        ask.viewer, Announcement.objects.filter(created__gte=start, created__lt=end)
    )
    received = Q(receipts__isnull=False) & ask.scope.people("receipts__user__")
    rows = published.annotate(
        recipients=Count("receipts", filter=received),
        opened=Count("receipts", filter=received & Q(receipts__opened_at__isnull=False)),
        confirmed=Count("receipts", filter=received & Q(receipts__acknowledged_at__isnull=False)),
    ).order_by("-created", "-pk")
    table_rows, recipients, opened = [], 0, 0
    for item in rows:
        recipients += item.recipients
        opened += item.opened
        reached, read = people(item.recipients), people(item.opened)
        confirmed = people(item.confirmed) if item.requires_ack else None
        table_rows.append(
            [
                item.title,
                timezone.localdate(item.created),
                reached,
                read,
                share(read, reached),
                confirmed,
                share(confirmed, reached) if item.requires_ack else None,
            ]
        )
    data = Reach(table_rows, people(recipients), people(opened))
    data.tables = [
        Table(
            "announcements.reach",
            str(_("Announcements published during the period")),
            [
                _text("title", _("Announcement")),
                Column("published", str(_("Published on")), "date"),
                Column("recipients", str(_("Recipients"))),
                Column("opened", str(_("Opened"))),
                Column("opened_share", str(_("Opened (%)")), "percent"),
                Column("confirmed", str(_("Confirmed"))),
                Column("confirmed_share", str(_("Confirmed (%)")), "percent"),
            ],
            table_rows,
            empty=str(_("No announcement was published during the period.")),
        )
    ]
    return data


# Idea campaigns ----------------------------------------------------------------------------------


@dataclass
class Campaigns:
    rows: list[list]  # title, ideas, votes, participants, audience, share of the audience
    tables: list[Table] = field(default_factory=list)

    @property
    def charted(self) -> bool:
        return any(row[3] is not HIDDEN for row in self.rows)

    @property
    def chart(self):
        return charts.bar_chart(
            title=_("Participants per campaign"), bars=[(row[0], for_chart(row[3])) for row in self.rows]
        )


def _campaign_people(ask: Ask, campaigns: list[int]) -> dict[int, dict]:
    """campaign id -> ideas, votes, and the people who submitted, voted or commented during the
    period (the scope's people): three grouped queries."""
    start, end = moments(ask.period)
    found = {
        pk: {"ideas": 0, "votes": 0, "submitters": set(), "voters": set(), "all": set()} for pk in campaigns
    }

    def pairs(queryset, who: str):
        return queryset.values_list("campaign", who).annotate(n=Count("pk")).order_by()

    ideas = Idea.objects.filter(ask.scope.people("author__"), campaign__in=campaigns)
    votes = IdeaVote.objects.filter(ask.scope.people("user__"), campaign__in=campaigns)
    comments = Post.objects.filter(
        ask.scope.people("author__"), campaign__in=campaigns, parent__isnull=False, deleted_at__isnull=True
    )
    when = {"created__gte": start, "created__lt": end}
    for campaign, user, n in pairs(ideas.filter(**when), "author"):
        found[campaign]["ideas"] += n
        found[campaign]["submitters"].add(user)
    for campaign, user, n in pairs(votes.filter(**when), "user"):
        found[campaign]["votes"] += n
        found[campaign]["voters"].add(user)
    for campaign, user, _n in pairs(comments.filter(**when), "author"):
        found[campaign]["all"].add(user)
    for figures in found.values():
        figures["all"] |= figures["submitters"] | figures["voters"]
    return found


def _audiences(ask: Ask, campaigns: list[Campaign]) -> dict[int, int]:
    """campaign id -> the people of the scope who may see, vote and comment: one query, each
    campaign's audience (ideas.policies.audience) a subquery."""
    if not campaigns:
        return {}
    counts = User.objects.filter(ask.scope.people(), is_active=True).aggregate(
        **{
            f"c{campaign.pk}": Count("pk", filter=Q(pk__in=campaign_audience(campaign).values("pk")))
            for campaign in campaigns
        }
    )
    return {campaign.pk: counts[f"c{campaign.pk}"] for campaign in campaigns}


@company_section("campaigns", _("Idea campaigns"), "analytics/sections/campaigns.html")
def campaigns(ask: Ask) -> Campaigns:
    start, end = moments(ask.period)
    running = visible_campaigns(
        ask.viewer,
        Campaign.objects.filter(opened_at__lt=end, starts_at__lt=end, ends_at__gt=start),
    ).order_by("starts_at", "pk")
    listed = list(running.only("pk", "title", "everyone", "audience"))
    found = _campaign_people(ask, [campaign.pk for campaign in listed])
    sizes = _audiences(ask, listed)
    rows = []
    for campaign in listed:
        figures = found[campaign.pk]
        participants, size = people(len(figures["all"])), people(sizes[campaign.pk])
        rows.append(
            [
                campaign.title,
                guarded(figures["ideas"], len(figures["submitters"])),
                guarded(figures["votes"], len(figures["voters"])),
                participants,
                size,
                share(participants, size),
            ]
        )
    data = Campaigns(rows)
    data.tables = [
        Table(
            "campaigns.participation",
            str(_("Campaigns open during the period")),
            [
                _text("campaign", _("Campaign")),
                Column("ideas", str(_("Ideas submitted"))),
                Column("votes", str(_("Votes"))),
                Column("participants", str(_("Participants"))),
                Column("audience", str(_("Audience"))),
                Column("share", str(_("Participants, of the audience (%)")), "percent"),
            ],
            rows,
            empty=str(_("No campaign was open during the period.")),
        )
    ]
    return data
