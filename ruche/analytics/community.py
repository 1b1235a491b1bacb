"""A community's dashboard, for its owners and animators and for the company's readers
(policies.can_view_community, checked once by the view): members over time, who takes part, posts
and replies week by week, unanswered questions, the most engaged posts, next to the health figures
its page shows. Figures about people go through `tables.people` / `guarded` (hidden below the
threshold), in every output; lists of posts show only what the viewer may read (visible_posts)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.analytics import charts
from ruche.analytics.company import LEVELS, level_of, shown_levels
from ruche.analytics.models import CommunityDay, CommunityPersonDay, total
from ruche.analytics.period import Period
from ruche.analytics.sections import Ask, community_section
from ruche.analytics.services import day_end
from ruche.analytics.tables import HIDDEN, Column, Table, for_chart, guarded, people, share
from ruche.communities.models import CommunityStats, Membership, Placement
from ruche.core import markdown
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts

UNANSWERED_SHOWN = 20
ENGAGED_SHOWN = 10
EXCERPT = 120
# What a person did in a community (CommunityPersonDay has no visits: reading is not counted there).
CONTRIBUTED_HERE = ("posts", "answers")
PARTICIPATED_HERE = ("replies", "reactions", "shares", "votes")


def _facts(ask: Ask, period: Period):
    return CommunityPersonDay.objects.filter(
        community=ask.community, day__gte=period.start, day__lte=period.end
    )


def _figure_columns() -> list[Column]:
    return [
        Column("figure", str(_("Figure")), "text"),
        Column("value", str(_("Value")), "number"),
        Column("before", str(_("Previous period")), "number"),
    ]


# Members over time --------------------------------------------------------------------------------


@dataclass
class Members:
    daily: list[tuple[datetime.date, int | None]]  # None: no figure that day (before the facts)
    daily_before: list[tuple[datetime.date, int | None]]
    tables: list[Table] = field(default_factory=list)

    @property
    def now(self) -> int | None:
        return _last(self.daily)

    @property
    def before(self) -> int | None:
        return _last(self.daily_before)

    @property
    def chart(self):
        shifted = [(day, n) for (day, _n), (_d, n) in zip(self.daily, self.daily_before, strict=True)]
        return charts.line_chart(
            title=str(_("Members, day by day")),
            series=[
                charts.Series(str(_("This period")), self.daily, "current"),
                charts.Series(str(_("Previous period")), shifted, "previous"),
            ],
        )


def _last(daily) -> int | None:
    known = [n for _day, n in daily if n is not None]
    return known[-1] if known else None


def _members_daily(ask: Ask, period: Period) -> list[tuple[datetime.date, int | None]]:
    rows = CommunityDay.objects.filter(community=ask.community, day__gte=period.start, day__lte=period.end)
    counts = dict(rows.values_list("day", "members"))
    return [(day, counts.get(day)) for day in period.each_day()]


@community_section("members", _("Members"), "analytics/sections/community_members.html", shared=True)
def members(ask: Ask) -> Members:
    """Member counts are not hidden when small: the community's page shows them to everyone."""
    data = Members(_members_daily(ask, ask.period), _members_daily(ask, ask.period.previous()))
    summary = Table(
        "members.summary",
        str(_("Members")),
        _figure_columns(),
        [[str(_("Members at the end of the period")), data.now, data.before]],
    )
    daily = Table(
        "members.daily",
        str(_("Members, day by day")),
        [
            Column("day", str(_("Date")), "date"),
            Column("members", str(_("Members"))),
            Column("before", str(_("Same day, previous period"))),
        ],
        [[d, n, b] for (d, n), (_d, b) in zip(data.daily, data.daily_before, strict=True)],
    )
    data.tables = [summary, daily]
    return data


# Who takes part ------------------------------------------------------------------------------------


@dataclass
class Taking:
    """Who did something in the community: its members by level (the pyramid, members only), and
    the people active there who are not members (a public community's readers who reply)."""

    members: int  # at the end of the period
    levels: dict[str, int]  # lurkers (silent members), participants, contributors
    active: int
    active_before: int
    active_members: int
    active_members_before: int
    active_others: int
    active_others_before: int
    tables: list[Table] = field(default_factory=list)

    def share_of(self, level: str) -> float | None:
        return share(self.levels[level], self.members)

    @property
    def chart(self):
        return charts.pyramid_chart(
            title=str(_("Members: silent, responding, contributing")),
            lurkers=for_chart(self.levels["lurkers"]),
            participants=for_chart(self.levels["participants"]),
            contributors=for_chart(self.levels["contributors"]),
            labels=(str(_("Contributing")), str(_("Responding")), str(_("Silent"))),
        )


def _member_ids(ask: Ask, day: datetime.date) -> set[int]:
    """Members at the end of `day` (as CommunityDay counts them: who left since is not known)."""
    joined = Membership.objects.filter(community=ask.community, created__lt=day_end(day))
    return set(joined.values_list("user", flat=True))


def _per_person(ask: Ask, period: Period) -> dict[int, str]:
    """Each person active in the community during the period -> their level there."""
    rows = (
        _facts(ask, period)
        .values("user")
        .annotate(c=Sum(total(CONTRIBUTED_HERE)), p=Sum(total(PARTICIPATED_HERE)))
        .values_list("user", "c", "p")
    )
    return {user: level_of(contributed, participated) for user, contributed, participated in rows}


def _split(active: dict[int, str], member_ids: set[int]) -> tuple[int, int, int]:
    """Active people, of them members and not: the two parts hidden together when one is small
    (the total and one part would give the other away)."""
    in_members = sum(1 for user in active if user in member_ids)
    others = len(active) - in_members
    if people(in_members) is HIDDEN or people(others) is HIDDEN:
        return people(len(active)), HIDDEN, HIDDEN
    return len(active), in_members, others


@community_section(
    "taking_part", _("Taking part"), "analytics/sections/community_taking_part.html", shared=True
)
def taking_part(ask: Ask) -> Taking:
    period, before = ask.period, ask.period.previous()
    member_ids, member_ids_before = _member_ids(ask, period.end), _member_ids(ask, before.end)
    active, active_before = _per_person(ask, period), _per_person(ask, before)
    levels = Counter(level for user, level in active.items() if user in member_ids)
    levels["lurkers"] = len(member_ids) - levels["participants"] - levels["contributors"]
    now_split, before_split = _split(active, member_ids), _split(active_before, member_ids_before)
    data = Taking(
        members=len(member_ids),
        levels=shown_levels(levels),
        active=now_split[0],
        active_before=before_split[0],
        active_members=now_split[1],
        active_members_before=before_split[1],
        active_others=now_split[2],
        active_others_before=before_split[2],
    )
    data.tables = _taking_part_tables(data)
    return data


def _taking_part_tables(data: Taking) -> list[Table]:
    labels = {
        "lurkers": str(_("Silent members (did nothing there; reading is not counted per community)")),
        "participants": str(_("Responding members (react, reply, share, vote)")),
        "contributors": str(_("Contributing members (post, answer)")),
    }
    active = Table(
        "taking_part.active",
        str(_("People active in the community")),
        _figure_columns(),
        [
            [str(_("People active there")), data.active, data.active_before],
            [str(_("Of them, members")), data.active_members, data.active_members_before],
            [str(_("Of them, not members")), data.active_others, data.active_others_before],
        ],
    )
    pyramid = Table(
        "taking_part.members",
        str(_("Members by participation")),
        [
            Column("level", str(_("Level")), "text"),
            Column("people", str(_("Members"))),
            Column("share", str(_("Share of members (%)")), "percent"),
        ],
        [[labels[level], data.levels[level], data.share_of(level)] for level in reversed(LEVELS)],
    )
    return [active, pyramid]


# Posts and replies --------------------------------------------------------------------------------

REPLIED = total(("replies", "answers"))


def _activity(queryset) -> dict:
    """Posts, replies (answers included) and reactions, each hidden when made by few people."""
    totals = queryset.aggregate(
        posted=Sum("posts"),
        replied=Sum(REPLIED),
        reacted=Sum("reactions"),
        posting=Count("user", distinct=True, filter=Q(posts__gt=0)),
        replying=Count("user", distinct=True, filter=Q(replies__gt=0) | Q(answers__gt=0)),
        reacting=Count("user", distinct=True, filter=Q(reactions__gt=0)),
    )
    return {
        "posts": guarded(totals["posted"] or 0, totals["posting"]),
        "replies": guarded(totals["replied"] or 0, totals["replying"]),
        "reactions": guarded(totals["reacted"] or 0, totals["reacting"]),
    }


@dataclass
class Activity:
    now: dict
    before: dict
    weekly: list[tuple[datetime.date, object, object]]  # Monday of the week, posts, replies
    tables: list[Table] = field(default_factory=list)

    @property
    def chart(self):
        return charts.line_chart(
            title=str(_("Posts and replies, week by week")),
            series=[
                charts.Series(str(_("Posts")), [(w, for_chart(p)) for w, p, _r in self.weekly], "current"),
                charts.Series(str(_("Replies")), [(w, for_chart(r)) for w, _p, r in self.weekly], "current"),
            ],
        )


def _weekly(ask: Ask) -> list[tuple[datetime.date, object, object]]:
    """One row per week (from its Monday) that had any activity, the period's days only."""
    rows = (
        _facts(ask, ask.period)
        .annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(
            posted=Sum("posts"),
            replied=Sum(REPLIED),
            posting=Count("user", distinct=True, filter=Q(posts__gt=0)),
            replying=Count("user", distinct=True, filter=Q(replies__gt=0) | Q(answers__gt=0)),
        )
        .order_by("week")
    )
    return [
        (
            _as_date(row["week"]),
            guarded(row["posted"], row["posting"]),
            guarded(row["replied"], row["replying"]),
        )
        for row in rows
    ]


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


@community_section(
    "activity", _("Posts and replies"), "analytics/sections/community_activity.html", shared=True
)
def activity(ask: Ask) -> Activity:
    data = Activity(
        now=_activity(_facts(ask, ask.period)),
        before=_activity(_facts(ask, ask.period.previous())),
        weekly=_weekly(ask),
    )
    names = {"posts": _("Posts"), "replies": _("Replies (answers included)"), "reactions": _("Reactions")}
    summary = Table(
        "activity.summary",
        str(_("Posts and replies")),
        _figure_columns(),
        [[str(label), data.now[key], data.before[key]] for key, label in names.items()],
    )
    weekly = Table(
        "activity.weekly",
        str(_("Posts and replies, week by week")),
        [
            Column("week", str(_("Week of")), "date"),
            Column("posts", str(_("Posts"))),
            Column("replies", str(_("Replies"))),
        ],
        [list(row) for row in data.weekly],
    )
    data.tables = [summary, weekly]
    return data


# Unanswered questions and the most engaged posts --------------------------------------------------


def _placed_here(ask: Ask):
    """The community's published posts that members may read (not deleted, hidden or waiting)."""
    return Post.objects.alive().filter(
        parent__isnull=True,
        awaiting_approval=False,
        placements__community=ask.community,
        placements__status=Placement.Status.APPROVED,
    )


def _with_excerpts(posts) -> list[Post]:
    posts = list(posts)
    for post in posts:
        post.excerpt = markdown.excerpt(post.body_html, EXCERPT)  # plain text, for the page and CSV
    return posts


def _link(post: Post) -> str:
    return settings.SITE_URL + post.get_absolute_url()


@dataclass
class Unanswered:
    count: int  # every unanswered question of the community
    questions: list[Post]  # the oldest ones the viewer may read
    tables: list[Table] = field(default_factory=list)

    @property
    def not_listed(self) -> bool:
        """Some are not listed: more than shown, or in a community the viewer may not read."""
        return self.count > len(self.questions)


@community_section("unanswered", _("Unanswered questions"), "analytics/sections/community_unanswered.html")
def unanswered(ask: Ask) -> Unanswered:
    """Today's to-do list, whatever the period: questions nobody but their asker replied to."""
    waiting = _placed_here(ask).filter(question__isnull=False, question__first_answer_at__isnull=True)
    listed = visible_posts(ask.viewer, waiting).order_by("created", "pk")[:UNANSWERED_SHOWN]
    data = Unanswered(count=waiting.count(), questions=_with_excerpts(listed))
    data.tables = [
        Table(
            "unanswered.questions",
            str(_("Unanswered questions, oldest first")),
            [
                Column("question", str(_("Question")), "text"),
                Column("asked", str(_("Asked on")), "date"),
                Column("days", str(_("Days waiting")), "days"),
                Column("link", str(_("Link")), "text"),
            ],
            [
                [
                    post.excerpt,
                    timezone.localdate(post.created),  # the company's day, as `ask.today`
                    (ask.today - timezone.localdate(post.created)).days,
                    _link(post),
                ]
                for post in data.questions
            ],
            empty=str(_("No question waits for an answer.")),
        )
    ]
    return data


@dataclass
class Engaged:
    posts: list[Post]  # annotated with `engagement`
    unreadable: int  # engaged posts the viewer may not read (a private community they are not in)
    tables: list[Table] = field(default_factory=list)


@community_section("engaged", _("Most engaged posts"), "analytics/sections/community_engaged.html")
def engaged(ask: Ask) -> Engaged:
    """Posts published in the period, by replies + reactions + shares so far. Ruche records no
    reading of a post: these are the most engaged, not the most read."""
    start, end = day_end(ask.period.start - datetime.timedelta(days=1)), day_end(ask.period.end)
    published = _placed_here(ask).filter(created__gte=start, created__lt=end)
    engaging = published.annotate(
        engagement=F("reply_count") + F("reaction_count") + F("share_count")
    ).filter(engagement__gt=0)
    readable = visible_posts(ask.viewer, engaging)
    ranked = readable.order_by("-engagement", "-created", "-pk")[:ENGAGED_SHOWN]
    data = Engaged(_with_excerpts(ranked), unreadable=engaging.count() - readable.count())
    data.tables = [
        Table(
            "engaged.posts",
            str(_("Most engaged posts of the period")),
            [
                Column("post", str(_("Post")), "text"),
                Column("published", str(_("Published on")), "date"),
                Column("replies", str(_("Replies"))),
                Column("reactions", str(_("Reactions"))),
                Column("shares", str(_("Times shared"))),
                Column("engagement", str(_("Replies + reactions + shares"))),
                Column("link", str(_("Link")), "text"),
            ],
            [
                [
                    post.excerpt,
                    timezone.localdate(post.created),
                    post.reply_count,
                    post.reaction_count,
                    post.share_count,
                    post.engagement,
                    _link(post),
                ]
                for post in data.posts
            ],
            empty=str(_("No post published in the period got a reply, a reaction or a share.")),
        )
    ]
    return data


# The health figures of the community's page --------------------------------------------------------


@dataclass
class Health:
    stats: CommunityStats | None
    tables: list[Table] = field(default_factory=list)


@community_section(
    "health", _("Health (last 28 days)"), "analytics/sections/community_health.html", shared=True
)
def health(ask: Ask) -> Health:
    """The figures every visitor sees on the community's page (communities.health, the last 28 days
    whatever the period), shown here so that both read side by side."""
    stats = CommunityStats.objects.filter(community=ask.community).first()
    rows = []
    if stats is not None:
        rows = [
            [str(_("Members")), stats.members],
            [str(_("Active members (28 days)")), stats.active_members_28d],
            [str(_("Posts a week")), stats.posts_per_week],
            [str(_("Replies a week")), stats.replies_per_week],
            [str(_("Participation (%)")), round(100 * stats.participation, 1)],
            [str(_("Unanswered posts (28 days)")), stats.unanswered_posts],
        ]
    table = Table(
        "health.summary",
        str(_("Health of the community")),
        [Column("figure", str(_("Figure")), "text"), Column("value", str(_("Value")), "number")],
        rows,
        empty=str(_("Not computed yet.")),
    )
    return Health(stats, [table])
