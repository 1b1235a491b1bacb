"""The company's dashboard, first sections: activation, active people, the participation pyramid,
and the same by department and by site. Figures about people go through `tables.people` (hidden
below the threshold), in every output."""

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.accounts.completeness import ITEM_KEYS, as_int, done_conditions, skill_count_expression
from ruche.accounts.models import Department, Profile, Site, User
from ruche.analytics import charts
from ruche.analytics.models import (
    ACTIVE,
    CONTRIBUTOR_FIELDS,
    PARTICIPANT_FIELDS,
    PersonDay,
    PersonMonth,
    PersonWeek,
    total,
)
from ruche.analytics.period import Period
from ruche.analytics.sections import Ask, company_section
from ruche.analytics.services import day_end, month_of, week_of
from ruche.analytics.tables import HIDDEN, Column, Table, for_chart, people, share

WAITING_SHOWN = 50
TREND_WEEKS = 26
TREND_MONTHS = 12
PYRAMID_MONTHS = 6
LEVELS = ("lurkers", "participants", "contributors")  # the pyramid, from its base


def accounts(scope) -> "QuerySet[User]":  # noqa: F821
    """The people a scope counts: accounts not deactivated (an account is created by an invitation)."""
    return User.objects.filter(scope.people(), is_active=True)


def facts(ask: Ask, period: Period):
    return PersonDay.objects.filter(
        ACTIVE, ask.scope.people("user__"), day__gte=period.start, day__lte=period.end
    )


# Activation --------------------------------------------------------------------------------------


@dataclass
class Activation:
    invited: int
    activated: int
    rate: float | None
    rate_before: float | None
    newly_invited: int
    newly_activated: int
    median_days: float | None
    completeness: int | None  # percent, the activated people's profiles on average
    waiting: list[User]  # all of them: the page shows the first ones, the CSV has every one
    waiting_count: int
    weekly: list[tuple[datetime.date, int, int]]  # week, invited so far, activated so far
    tables: list[Table] = field(default_factory=list)

    @property
    def waiting_shown(self) -> list[User]:
        return self.waiting[:WAITING_SHOWN]

    @property
    def waiting_more(self) -> int:
        return max(len(self.waiting) - WAITING_SHOWN, 0)

    @property
    def chart(self):
        points = [
            (week, share(activated, invited)) for week, invited, activated in self.weekly
        ]  # None: hidden
        return charts.line_chart(
            title=_("Activation rate, week by week"),
            series=[charts.Series(str(_("Activated")), points, "current")],
            unit="%",
        )


def _as_of(people, day: datetime.date) -> tuple[int, int]:
    end = day_end(day)
    counts = people.aggregate(
        invited=Count("pk", filter=Q(date_joined__lt=end)),
        activated=Count("pk", filter=Q(activated_at__lt=end)),
    )
    return counts["invited"], counts["activated"]


@company_section("activation", _("Activation"), "analytics/sections/activation.html", shared=True)
def activation(ask: Ask) -> Activation:
    everyone = accounts(ask.scope)
    invited, activated = _as_of(everyone, ask.period.end)
    invited_before, activated_before = _as_of(everyone, ask.period.previous().end)
    start, end = day_end(ask.period.start - datetime.timedelta(days=1)), day_end(ask.period.end)
    newly = everyone.filter(activated_at__gte=start, activated_at__lt=end)
    delays = [
        (activated_at - joined).total_seconds() / 86400
        for joined, activated_at in newly.values_list("date_joined", "activated_at")
    ]
    waiting = everyone.filter(activated_at__isnull=True).select_related(
        "profile__department", "profile__site"
    )
    data = Activation(
        invited=people(invited),
        activated=people(activated),
        rate=share(people(activated), people(invited)),
        rate_before=share(people(activated_before), people(invited_before)),
        newly_invited=people(everyone.filter(date_joined__gte=start, date_joined__lt=end).count()),
        newly_activated=people(len(delays)),
        median_days=round(statistics.median(delays), 1) if len(delays) >= 5 else None,
        completeness=_completeness(ask.scope),
        waiting=list(waiting.order_by("date_joined", "pk")),
        waiting_count=waiting.count(),  # names shown to remind them: no secret in their number
        weekly=_weekly_activation(everyone, ask.period.end),
    )
    data.tables = _activation_tables(data)
    return data


def _weekly_activation(everyone, end: datetime.date) -> list[tuple[datetime.date, int, int]]:
    """Invited and activated so far at the end of each of the last weeks: one query."""
    weeks = [end - datetime.timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]
    counts = everyone.aggregate(
        **{f"i{n}": Count("pk", filter=Q(date_joined__lt=day_end(w))) for n, w in enumerate(weeks)},
        **{f"a{n}": Count("pk", filter=Q(activated_at__lt=day_end(w))) for n, w in enumerate(weeks)},
    )
    return [
        (week, people(counts[f"i{n}"]), people(counts[f"a{n}"]))
        for n, week in enumerate(weeks)
        if counts[f"i{n}"]
    ]


def _completeness(scope) -> int | None:
    """The activated people's profiles, on average: how much of a complete profile they hold."""
    conditions = done_conditions()
    profiles = Profile.objects.filter(
        scope.people("user__"), user__is_active=True, user__activated_at__isnull=False
    )
    totals = profiles.annotate(skill_count=skill_count_expression()).aggregate(
        n=Count("pk"), **{key: Sum(as_int(q)) for key, q in conditions.items()}
    )
    if people(totals["n"]) in (0, HIDDEN):
        return None
    return round(100 * sum(totals[key] for key in ITEM_KEYS) / (totals["n"] * len(ITEM_KEYS)))


def _activation_tables(data: Activation) -> list[Table]:
    summary = Table(
        "activation.summary",
        str(_("Activation")),
        [Column("figure", str(_("Figure")), "text"), Column("value", str(_("Value")), "number")],
        [
            [str(_("Invited")), data.invited],
            [str(_("Activated")), data.activated],
            [str(_("Activation rate (%)")), data.rate],
            [str(_("Activation rate, previous period (%)")), data.rate_before],
            [str(_("Invited during the period")), data.newly_invited],
            [str(_("Activated during the period")), data.newly_activated],
            [str(_("Median days from invitation to activation")), data.median_days],
            [str(_("Profile completeness of activated people (%)")), data.completeness],
        ],
    )
    weekly = Table(
        "activation.weekly",
        str(_("Activation, week by week")),
        [
            Column("week", str(_("Week ending")), "date"),
            Column("invited", str(_("Invited"))),
            Column("activated", str(_("Activated"))),
            Column("rate", str(_("Activation rate (%)")), "percent"),
        ],
        [[week, invited, activated, share(activated, invited)] for week, invited, activated in data.weekly],
    )
    waiting = Table(
        "activation.waiting",
        str(_("Invited, not activated")),
        [
            Column("name", str(_("Name")), "text"),
            Column("email", str(_("E-mail")), "text"),
            Column("department", str(_("Department")), "text"),
            Column("site", str(_("Site")), "text"),
            Column("invited", str(_("Invited on")), "date"),
            Column("reminded", str(_("Last invitation")), "date"),
        ],
        [
            [
                person.full_name,
                person.email,
                str(person.profile.department or ""),
                str(person.profile.site or ""),
                timezone.localdate(person.date_joined),
                timezone.localdate(person.invited_at or person.date_joined),
            ]
            for person in data.waiting
        ],
        empty=str(_("Everyone invited has activated their account.")),
    )
    return [summary, weekly, waiting]


# Active people -----------------------------------------------------------------------------------


@dataclass
class Actives:
    daily_average: int
    daily_average_before: int
    weekly: int
    weekly_before: int
    monthly: int
    monthly_before: int
    activated: int
    daily: list[tuple[datetime.date, int]]
    daily_before: list[tuple[datetime.date, int]]
    by_week: list[tuple[datetime.date, int]]
    by_month: list[tuple[datetime.date, int]]
    tables: list[Table] = field(default_factory=list)

    @property
    def stickiness(self) -> float | None:
        """Daily over monthly actives: how many days a month an active person comes, as a share."""
        return share(self.daily_average, self.monthly)

    @property
    def monthly_share(self) -> float | None:
        return share(self.monthly, self.activated)

    @property
    def daily_chart(self):
        shifted = [(day, n) for (day, _n), (_d, n) in zip(self.daily, self.daily_before, strict=True)]
        return charts.line_chart(
            title=_("People active each day"),
            series=[
                charts.Series(str(_("This period")), _points(self.daily), "current"),
                charts.Series(str(_("Previous period")), _points(shifted), "previous"),
            ],
        )

    @property
    def weekly_chart(self):
        return charts.line_chart(
            title=_("People active each week"),
            series=[charts.Series(str(_("Weekly active people")), _points(self.by_week), "current")],
        )

    @property
    def monthly_chart(self):
        return charts.line_chart(
            title=_("People active each month"),
            series=[charts.Series(str(_("Monthly active people")), _points(self.by_month), "current")],
        )


def _distinct_people(ask: Ask, period: Period) -> int:
    return people(facts(ask, period).values("user").distinct().count())


def _daily(ask: Ask, period: Period) -> list[tuple[datetime.date, int]]:
    counts = dict(facts(ask, period).values_list("day").annotate(n=Count("pk")).order_by())
    return [(day, people(counts.get(day, 0))) for day in period.each_day()]


AVERAGE_BLURS = 7  # days: rounding an average over a week hides any one day's 1 to 4 people


def _average(ask: Ask, period: Period, daily) -> int:
    """The daily average, rounded to whole people. With a day hidden (fewer than 5 people), the
    average and the other days would give it away over a short period: shown from a week on."""
    if any(n is HIDDEN for _day, n in daily) and period.days < AVERAGE_BLURS:
        return HIDDEN
    total = facts(ask, period).count()  # the hidden days count too
    return round(total / period.days)


def spans(ask: Ask, model, first: datetime.date):
    """The rolled-up weeks or months (PersonWeek, PersonMonth) from `first` to the period's end."""
    return model.objects.filter(ask.scope.people("user__"), start__gte=first, start__lte=ask.period.end)


def _by(ask: Ask, model, first: datetime.date) -> list[tuple[datetime.date, int]]:
    rows = spans(ask, model, first).values_list("start").annotate(n=Count("pk")).order_by("start")
    return [(start, people(n)) for start, n in rows]


@company_section("actives", _("Active people"), "analytics/sections/actives.html", shared=True)
def actives(ask: Ask) -> Actives:
    period, before = ask.period, ask.period.previous()
    daily, daily_before = _daily(ask, period), _daily(ask, before)
    end = period.end
    week_start = week_of(end) - datetime.timedelta(weeks=TREND_WEEKS - 1)
    month_start = months_before(month_of(end), TREND_MONTHS - 1)
    data = Actives(
        daily_average=_average(ask, period, daily),
        daily_average_before=_average(ask, before, daily_before),
        weekly=_distinct_people(ask, period.ending(7)),
        weekly_before=_distinct_people(ask, before.ending(7)),
        monthly=_distinct_people(ask, period.ending(28)),
        monthly_before=_distinct_people(ask, before.ending(28)),
        activated=people(accounts(ask.scope).filter(activated_at__lt=day_end(end)).count()),
        daily=daily,
        daily_before=daily_before,
        by_week=_by(ask, PersonWeek, week_start),
        by_month=_by(ask, PersonMonth, month_start),
    )
    data.tables = _actives_tables(data)
    return data


def _actives_tables(data: Actives) -> list[Table]:
    figure, value = Column("figure", str(_("Figure")), "text"), Column("value", str(_("Value")), "number")
    before = Column("before", str(_("Previous period")), "number")
    summary = Table(
        "actives.summary",
        str(_("Active people")),
        [figure, value, before],
        [
            [str(_("Daily active people (average)")), data.daily_average, data.daily_average_before],
            [str(_("Weekly active people (last 7 days)")), data.weekly, data.weekly_before],
            [str(_("Monthly active people (last 28 days)")), data.monthly, data.monthly_before],
            [str(_("Share of activated people active in 28 days (%)")), data.monthly_share, None],
            [str(_("Daily / monthly active people (%)")), data.stickiness, None],
        ],
    )
    day = Column("day", str(_("Day")), "date")
    daily = Table(
        "actives.daily",
        str(_("People active each day")),
        [
            day,
            Column("active", str(_("Active people"))),
            Column("before", str(_("Same day, previous period"))),
        ],
        [[d, n, b] for (d, n), (_d, b) in zip(data.daily, data.daily_before, strict=True)],
    )
    weekly = Table(
        "actives.weekly",
        str(_("People active each week")),
        [Column("week", str(_("Week of")), "date"), Column("active", str(_("Active people")))],
        [list(row) for row in data.by_week],
    )
    monthly = Table(
        "actives.monthly",
        str(_("People active each month")),
        [Column("month", str(_("Month")), "month"), Column("active", str(_("Active people")))],
        [list(row) for row in data.by_month],
    )
    return [summary, daily, weekly, monthly]


# The participation pyramid ------------------------------------------------------------------------

CONTRIBUTED = total(CONTRIBUTOR_FIELDS)
PARTICIPATED = total(PARTICIPANT_FIELDS)


def _levels(rows) -> Counter:
    """rows: (user, contributed, participated) summed over a time; -> people per level."""
    levels = Counter()
    for _user, contributed, participated in rows:
        levels[level_of(contributed, participated)] += 1
    return levels


def level_of(contributed: int, participated: int) -> str:
    return "contributors" if contributed else "participants" if participated else "lurkers"


def shown_levels(levels: Counter) -> dict:
    """The three levels, all hidden if one is: the others and their total would give it away."""
    if any(people(levels[level]) is HIDDEN for level in LEVELS):
        return dict.fromkeys(LEVELS, HIDDEN)
    return {level: levels[level] for level in LEVELS}


@dataclass
class Pyramid:
    levels: dict[str, int]  # lurkers, participants, contributors (hidden below the threshold)
    inactive: int  # activated people not active at all during the period
    trend: list[tuple[datetime.date, dict[str, int]]]
    tables: list[Table] = field(default_factory=list)

    @property
    def active(self):
        values = self.levels.values()
        return HIDDEN if HIDDEN in values else sum(values)

    def share_of(self, level: str) -> float | None:
        return share(self.levels[level], self.active)

    @property
    def chart(self):
        return charts.pyramid_chart(
            title=_("Participation: read, respond, contribute"),
            lurkers=for_chart(self.levels["lurkers"]),
            participants=for_chart(self.levels["participants"]),
            contributors=for_chart(self.levels["contributors"]),
            labels=(str(_("Contributors")), str(_("Participants")), str(_("Readers"))),
        )


def _points(rows) -> list[tuple[datetime.date, int | None]]:
    return [(day, for_chart(value)) for day, value in rows]


def per_person(ask: Ask):
    """(user, contributed, participated) over the period: asked once per page (the pyramid, the
    departments and the sites read the same rows)."""
    if "per_person" not in ask.memo:
        ask.memo["per_person"] = list(_per_person(facts(ask, ask.period)))
    return ask.memo["per_person"]


def _per_person(queryset):
    return (
        queryset.values("user")
        .annotate(c=Sum(CONTRIBUTED), p=Sum(PARTICIPATED))
        .values_list("user", "c", "p")
    )


@company_section("pyramid", _("Participation"), "analytics/sections/pyramid.html", shared=True)
def pyramid(ask: Ask) -> Pyramid:
    levels = _levels(per_person(ask))
    shown = shown_levels(levels)
    activated = accounts(ask.scope).filter(activated_at__lt=day_end(ask.period.end)).count()
    data = Pyramid(
        levels=shown,
        inactive=people(max(activated - sum(levels.values()), 0)),
        trend=_pyramid_trend(ask),
    )
    data.tables = _pyramid_tables(data)
    return data


def _pyramid_trend(ask: Ask) -> list[tuple[datetime.date, dict[str, int]]]:
    """The pyramid month by month (the last months), counted by the database from the roll-ups."""
    first = months_before(month_of(ask.period.end), PYRAMID_MONTHS - 1)
    contributor, participant = Q(contributed__gt=0), Q(contributed=0, participated__gt=0)
    rows = (
        spans(ask, PersonMonth, first)
        .values_list("start")
        .annotate(
            contributors=Count("pk", filter=contributor),
            participants=Count("pk", filter=participant),
            lurkers=Count("pk", filter=~contributor & ~participant),
        )
        .order_by("start")
    )
    return [
        (month, shown_levels(Counter(lurkers=lurkers, participants=participants, contributors=contributors)))
        for month, contributors, participants, lurkers in rows
    ]


def months_before(month: datetime.date, n: int) -> datetime.date:
    for _n in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def _pyramid_tables(data: Pyramid) -> list[Table]:
    labels = {
        "lurkers": str(_("Readers (visit only)")),
        "participants": str(_("Participants (react, reply, vote)")),
        "contributors": str(_("Contributors (post, answer, submit ideas)")),
    }
    summary = Table(
        "pyramid.summary",
        str(_("Participation")),
        [
            Column("level", str(_("Level")), "text"),
            Column("people", str(_("Number of people"))),
            Column("share", str(_("Share of active people (%)")), "percent"),
        ],
        [
            *([labels[level], data.levels[level], data.share_of(level)] for level in reversed(LEVELS)),
            [str(_("Activated, not active in the period")), data.inactive, None],
        ],
    )
    trend = Table(
        "pyramid.monthly",
        str(_("Participation, month by month")),
        [Column("month", str(_("Month")), "month"), *(Column(level, labels[level]) for level in LEVELS)],
        [[month, *(levels[level] for level in LEVELS)] for month, levels in data.trend],
    )
    return [summary, trend]


# By department and by site -----------------------------------------------------------------------


@dataclass
class Units:
    rows: list[list]
    tables: list[Table] = field(default_factory=list)


def _by_unit(ask: Ask, model, attribute: str, key: str, title) -> Units:
    """One row per department (or site): people, activation, active people and levels."""
    path = f"profile__{attribute}"
    everyone = (
        accounts(ask.scope)
        .values_list(path)
        .annotate(invited=Count("pk"), activated=Count("pk", filter=Q(activated_at__isnull=False)))
    )
    sizes = {unit: (invited, activated) for unit, invited, activated in everyone.order_by()}
    unit_of = dict(accounts(ask.scope).values_list("pk", path))
    levels: dict[int | None, Counter] = {}
    for user, contributed, participated in per_person(ask):
        levels.setdefault(unit_of.get(user), Counter())[level_of(contributed, participated)] += 1
    names = dict(model.objects.values_list("pk", "name"))
    rows = []
    for unit, (invited, activated) in sorted(
        sizes.items(), key=lambda item: (item[0] is None, names.get(item[0], "").casefold())
    ):
        counted = levels.get(unit, Counter())
        small = people(invited) is HIDDEN
        active = sum(counted.values())
        shown = shown_levels(counted)
        rows.append(
            [
                names.get(unit) or str(_("Not given")),
                people(invited),
                HIDDEN if small else people(activated),
                None if small else share(people(activated), people(invited)),
                HIDDEN if small else people(active),
                None if small else share(people(active), people(activated)),
                *(HIDDEN if small else shown[level] for level in reversed(LEVELS)),
            ]
        )
    columns = [
        Column("name", str(model._meta.verbose_name).capitalize(), "text"),
        Column("invited", str(_("Invited"))),
        Column("activated", str(_("Activated"))),
        Column("activation", str(_("Activation rate (%)")), "percent"),
        Column("active", str(_("Active in the period"))),
        Column("active_share", str(_("Active share of activated (%)")), "percent"),
        Column("contributors", str(_("Contributors"))),
        Column("participants", str(_("Participants"))),
        Column("lurkers", str(_("Readers"))),
    ]
    return Units(rows, [Table(f"{key}.table", str(title), columns, rows)])


@company_section("departments", _("By department"), "analytics/sections/units.html", shared=True)
def departments(ask: Ask) -> Units:
    return _by_unit(ask, Department, "department", "departments", _("By department"))


@company_section("sites", _("By site"), "analytics/sections/units.html", shared=True)
def sites(ask: Ask) -> Units:
    return _by_unit(ask, Site, "site", "sites", _("By site"))
