"""Writing the daily facts (models.py): recomputed from the source tables, added from the web
processes' counters, swept after the retention period."""

import calendar
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.analytics.models import (
    ACTIVE,
    CONTENT_FIELDS,
    CONTRIBUTOR_FIELDS,
    PARTICIPANT_FIELDS,
    CommunityDay,
    CommunityPersonDay,
    PersonDay,
    PersonMonth,
    PersonWeek,
    SearchDay,
    total,
)
from ruche.communities.models import Membership, Placement
from ruche.core.text import fold
from ruche.ideas.models import Idea
from ruche.ideas.models import Vote as IdeaVote
from ruche.posts.models import Post, Reaction
from ruche.qa.models import AnswerVote, Question

APPROVED = Placement.Status.APPROVED
QUERY_MAX = SearchDay._meta.get_field("query").max_length
ROWS_PER_STATEMENT = 1000  # 5 values a row: well under SQLite's 32,766 variables


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The company's local day (TIME_ZONE) as a half-open range of moments."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)


def day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after the company's local day."""
    return day_bounds(day)[1]


def normalised_query(query: str) -> str:
    """What a search is counted under: folded (case and accents), spaces collapsed, trimmed."""
    return fold(" ".join(query.split()))[:QUERY_MAX].strip()


# Recomputed from the source tables ----------------------------------------------------------------


def _is_answer() -> Q:
    """A reply to someone else's question (the asker's own replies are replies)."""
    return Q(parent__question__isnull=False) & ~Q(author=F("parent__author"))


def _person_counts(start, end) -> dict[int, Counter]:
    """user id -> what they did in [start, end): each figure counted once, by its author."""
    counts: dict[int, Counter] = defaultdict(Counter)

    def add(field: str, rows: Iterable[tuple[int, int]]) -> None:
        for user_id, n in rows:
            counts[user_id][field] += n

    def per(queryset, who: str):
        return queryset.order_by().values_list(who).annotate(n=Count("pk"))

    written = Post.objects.filter(created__gte=start, created__lt=end)
    add("posts", per(written.filter(parent=None, idea__isnull=True, is_share=False), "author"))
    add("shares", per(written.filter(parent=None, is_share=True), "author"))
    add("ideas", per(Idea.objects.filter(created__gte=start, created__lt=end), "author"))
    replies = written.filter(parent__isnull=False)
    add("replies", per(replies, "author"))
    answers = list(per(replies.filter(_is_answer()), "author"))
    add("answers", answers)
    add("replies", ((user_id, -n) for user_id, n in answers))  # an answer is not also a reply
    accepted = Question.objects.filter(
        accepted_at__gte=start, accepted_at__lt=end, accepted_answer__isnull=False
    )
    add("accepted_answers", per(accepted, "accepted_answer__author"))
    add("reactions", per(Reaction.objects.filter(created__gte=start, created__lt=end), "user"))
    add("votes", per(IdeaVote.objects.filter(created__gte=start, created__lt=end), "user"))
    add("votes", per(AnswerVote.objects.filter(created__gte=start, created__lt=end), "user"))
    return counts


def _community_counts(start, end) -> dict[tuple[int, int], Counter]:
    """(community id, user id) -> what they did there: on posts published in the community (an
    approved placement) and in their threads."""
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)

    def add(field: str, rows) -> None:
        for community_id, user_id, n in rows:
            counts[community_id, user_id][field] += n

    def per(queryset, where: str, who: str):
        return queryset.order_by().values_list(where, who).annotate(n=Count("pk", distinct=True))

    written = Post.objects.filter(created__gte=start, created__lt=end)
    placed = {"parent__placements__status": APPROVED}
    top = written.filter(parent=None, placements__status=APPROVED)
    add("posts", per(top.filter(is_share=False), "placements__community", "author"))
    add("shares", per(top.filter(is_share=True), "placements__community", "author"))
    replies = written.filter(**placed)
    add("replies", per(replies, "parent__placements__community", "author"))
    answers = list(per(replies.filter(_is_answer()), "parent__placements__community", "author"))
    add("answers", answers)
    add("replies", ((c, u, -n) for c, u, n in answers))
    reactions = Reaction.objects.filter(created__gte=start, created__lt=end)
    add(
        "reactions",
        per(reactions.filter(post__placements__status=APPROVED), "post__placements__community", "user"),
    )
    add(
        "reactions",
        per(
            reactions.filter(post__parent__placements__status=APPROVED),
            "post__parent__placements__community",
            "user",
        ),
    )
    votes = AnswerVote.objects.filter(
        created__gte=start, created__lt=end, answer__parent__placements__status=APPROVED
    )
    add("votes", per(votes, "answer__parent__placements__community", "user"))
    return counts


def _community_days(day, end, pairs: dict[tuple[int, int], Counter]) -> list[CommunityDay]:
    seats = Membership.objects.filter(
        created__lt=end, user__is_bot=False
    )  # an integration's seat is no member
    members = dict(seats.order_by().values_list("community").annotate(n=Count("pk")))
    membership = set(
        Membership.objects.filter(created__lt=end, user_id__in={u for _c, u in pairs}).values_list(
            "community", "user"
        )
    )
    rows: dict[int, CommunityDay] = {}
    for community_id, n in members.items():
        rows[community_id] = CommunityDay(community_id=community_id, day=day, members=n)
    for (community_id, user_id), did in pairs.items():
        row = rows.setdefault(community_id, CommunityDay(community_id=community_id, day=day))
        for field, n in did.items():
            setattr(row, field, getattr(row, field) + n)
        row.active_people += 1
        row.active_members += (community_id, user_id) in membership
    return list(rows.values())


COMMUNITY_PERSON_FIELDS = ("posts", "replies", "reactions", "shares", "answers", "votes")
COMMUNITY_FIELDS = (*COMMUNITY_PERSON_FIELDS, "active_people", "active_members", "members")


def _replace_day(model, day, fields: tuple[str, ...], rows: list, unique_fields: list[str]) -> None:
    """Make the day's `fields` what `rows` say, in place (ids stay; others' columns are untouched):
    the day's rows with a figure set to zero, the new ones upserted, rows left with nothing dropped."""
    every = {f.name for f in model._meta.concrete_fields} - {"id", "day", *unique_fields}
    model.objects.filter(day=day).exclude(**dict.fromkeys(fields, 0)).update(**dict.fromkeys(fields, 0))
    model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=unique_fields, update_fields=fields, batch_size=500
    )
    model.objects.filter(day=day, **dict.fromkeys(every, 0)).delete()


@transaction.atomic
def facts_compute(*, day: datetime.date) -> int:
    """Recompute one day's facts from the source tables: the same rows whoever runs it, however
    often (the backfill, the periodic job). Live counts (visits, pages, searches) are left alone.
    Returns the number of people active that day in the source tables."""
    start, end = day_bounds(day)
    # Facts are about people: what an integration's account posted (ruche.integrations) is a tool's.
    bots = set(User.objects.filter(is_bot=True).values_list("pk", flat=True))
    people = {
        user_id: did
        for user_id, did in _person_counts(start, end).items()
        if any(did.values()) and user_id not in bots
    }
    _replace_day(
        PersonDay,
        day,
        CONTENT_FIELDS,
        [PersonDay(user_id=user_id, day=day, **did) for user_id, did in people.items()],
        ["user", "day"],
    )
    pairs = {
        key: did
        for key, did in _community_counts(start, end).items()
        if any(did.values()) and key[1] not in bots
    }
    _replace_day(
        CommunityPersonDay,
        day,
        COMMUNITY_PERSON_FIELDS,
        [CommunityPersonDay(community_id=c, user_id=u, day=day, **did) for (c, u), did in pairs.items()],
        ["community", "user", "day"],
    )
    _replace_day(CommunityDay, day, COMMUNITY_FIELDS, _community_days(day, end, pairs), ["community", "day"])
    return len(people)


def first_activity_day() -> datetime.date | None:
    """The local day of the oldest post or membership the database holds."""
    found = [
        moment
        for moment in (
            Post.objects.aggregate(first=Min("created"))["first"],
            Membership.objects.aggregate(first=Min("created"))["first"],
        )
        if moment
    ]
    return timezone.localdate(min(found)) if found else None


def facts_backfill(
    *, since: datetime.date | None = None, today: datetime.date | None = None, progress=None
) -> int:
    """Rebuild the facts of every day from `since` (by default the first activity the database
    holds, within the retention period) to today, with the periodic job's own computation.
    Returns the number of days computed."""
    today = today or timezone.localdate()
    first = max(since or first_activity_day() or today, retention_start(today))
    days = 0
    day = first
    while day <= today:
        facts_compute(day=day)
        days += 1
        if progress:
            progress(day)
        day += datetime.timedelta(days=1)
    rollups_backfill(since=first, today=today)
    return days


def facts_refresh(*, today: datetime.date | None = None) -> None:
    """The periodic job: today so far, and yesterday (finished after its last run before
    midnight), their weeks and months rolled up, then the retention sweep."""
    today = today or timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    facts_compute(day=yesterday)
    facts_compute(day=today)
    rollups_compute(days=[yesterday, today])
    facts_sweep(today=today)


# Weeks and months, rolled up from the days ---------------------------------------------------------


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _span_end(model, start: datetime.date) -> datetime.date:
    if model is PersonWeek:
        return start + datetime.timedelta(days=6)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


@transaction.atomic
def _roll_up(model, start: datetime.date) -> None:
    """One week's or month's rows, replaced by what PersonDay says of it now."""
    rows = (
        PersonDay.objects.filter(ACTIVE, day__gte=start, day__lte=_span_end(model, start))
        .values("user")
        .annotate(contributed=Sum(total(CONTRIBUTOR_FIELDS)), participated=Sum(total(PARTICIPANT_FIELDS)))
        .values_list("user", "contributed", "participated")
        .order_by()
    )
    model.objects.filter(start=start).delete()
    model.objects.bulk_create(
        (model(user_id=u, start=start, contributed=c, participated=p) for u, c, p in rows.iterator()),
        batch_size=ROWS_PER_STATEMENT,
    )


def rollups_compute(*, days: Iterable[datetime.date]) -> None:
    """Roll up the weeks and months holding these days (the refresh: yesterday and today)."""
    days = list(days)
    for start in sorted({week_of(day) for day in days}):
        _roll_up(PersonWeek, start)
    for start in sorted({month_of(day) for day in days}):
        _roll_up(PersonMonth, start)


def rollups_backfill(*, since: datetime.date, today: datetime.date | None = None) -> None:
    """Every week and month from `since` to today (after the days were backfilled)."""
    today = today or timezone.localdate()
    week = week_of(since)
    while week <= today:
        _roll_up(PersonWeek, week)
        week += datetime.timedelta(days=7)
    month = month_of(since)
    while month <= today:
        _roll_up(PersonMonth, month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)


# Retention ------------------------------------------------------------------------------------------


def retention_start(today: datetime.date) -> datetime.date:
    """The first day kept: RUCHE_ANALYTICS_RETENTION_MONTHS months before today."""
    months = today.year * 12 + today.month - 1 - settings.ANALYTICS_RETENTION_MONTHS
    year, month = divmod(months, 12)
    month += 1
    return datetime.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def facts_sweep(*, today: datetime.date | None = None) -> int:
    """Delete the facts older than the retention period. Returns the number of rows deleted."""
    first = retention_start(today or timezone.localdate())
    days = sum(
        model.objects.filter(day__lt=first).delete()[0]
        for model in (PersonDay, CommunityPersonDay, CommunityDay, SearchDay)
    )
    spans = PersonWeek.objects.filter(start__lt=week_of(first)).delete()[0]
    return days + spans + PersonMonth.objects.filter(start__lt=month_of(first)).delete()[0]


# Added from the web processes' counters (counters.py) -----------------------------------------------

_PEOPLE_SQL = (
    "INSERT INTO {table} (user_id, day, visits, pages, searches, {zeros_names}) VALUES {values} "
    "ON CONFLICT (user_id, day) DO UPDATE SET visits = {table}.visits + excluded.visits, "
    "pages = {table}.pages + excluded.pages, searches = {table}.searches + excluded.searches"
)
_QUERIES_SQL = (
    "INSERT INTO {table} (day, query, searches, empty) VALUES {values} "
    "ON CONFLICT (day, query) DO UPDATE SET searches = {table}.searches + excluded.searches, "
    "empty = {table}.empty + excluded.empty"
)


def _upsert(sql: str, table: str, rows: list[tuple], placeholders: str, **names) -> None:
    with connection.cursor() as cursor:
        for at in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[at : at + ROWS_PER_STATEMENT]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(sql.format(table=table, values=values, **names), [v for row in chunk for v in row])


def live_counts_add(*, people: dict[tuple[int, datetime.date], list[int]], queries: dict) -> None:
    """Add visits, pages and searches counted in memory: one statement per table (per thousand
    rows), adding to what is there. A person deleted meanwhile is left out, not an error."""
    adapt = connection.ops.adapt_datefield_value
    rows = [(user_id, adapt(day), *counts) for (user_id, day), counts in people.items()]
    searched = [(adapt(day), query, *counts) for (day, query), counts in queries.items()]
    try:
        _add(rows, searched)
    except IntegrityError:  # foreign keys are checked at commit: someone was deleted since
        existing = set(User.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", flat=True))
        _add([row for row in rows if row[0] in existing], searched)


@transaction.atomic
def _add(people: list[tuple], queries: list[tuple]) -> None:
    zeros = ", ".join(["0"] * len(CONTENT_FIELDS))
    if people:
        _upsert(
            _PEOPLE_SQL,
            PersonDay._meta.db_table,
            people,
            f"(%s, %s, %s, %s, %s, {zeros})",
            zeros_names=", ".join(CONTENT_FIELDS),
        )
    if queries:
        _upsert(_QUERIES_SQL, SearchDay._meta.db_table, queries, "(%s, %s, %s, %s)")


# Reminders ------------------------------------------------------------------------------------------

REMIND_AGAIN_AFTER = datetime.timedelta(days=1)


def reminders_send(*, by: User, user_ids: Iterable[int]) -> tuple[int, int]:
    """Invite again the chosen people who have not activated their account; those invited less than
    a day ago are skipped (one e-mail a day at most). -> (sent, skipped)."""
    from ruche.accounts.services import invitation_resend
    from ruche.analytics.policies import can_remind
    from ruche.analytics.sections import forget_figures

    if not can_remind(by):
        raise PermissionDenied(_("Only administrators can invite people again."))
    waiting = User.objects.filter(pk__in=list(user_ids)[:1000], activated_at__isnull=True, is_active=True)
    recent = timezone.now() - REMIND_AGAIN_AFTER
    sent = skipped = 0
    for person in waiting.order_by("pk"):
        if person.invited_at and person.invited_at > recent:
            skipped += 1
        elif invitation_resend(user=person, by=by):
            sent += 1
    if sent:
        forget_figures()  # the list shows when each was last invited
    return sent, skipped


# The weekly summary e-mail ---------------------------------------------------------------------------


def summary_subscription_set(*, user: User, subscribed: bool) -> None:
    """Start or stop the weekly summary. The first one comes the next Monday: this week counts as
    sent."""
    from ruche.analytics import summary
    from ruche.analytics.models import SummarySubscription
    from ruche.analytics.policies import can_subscribe_summary

    if not can_subscribe_summary(user):
        raise PermissionDenied(_("Only administrators and analysts can receive the company's figures."))
    if subscribed:
        SummarySubscription.objects.get_or_create(
            user=user, defaults={"last_week": summary.week_key(timezone.now())}
        )
    else:
        SummarySubscription.objects.filter(user=user).delete()


def summaries_send(*, now: datetime.datetime | None = None) -> int:
    """Queue this week's summary for every subscriber who has not had it (figures computed once for
    all); returns how many were queued. Safe to run again: each is sent once per week."""
    from ruche.analytics import summary
    from ruche.analytics.models import SummarySubscription

    now = now or timezone.now()
    week = summary.week_key(now)
    waiting = list(SummarySubscription.objects.exclude(last_week=week).values_list("pk", flat=True))
    if not waiting:
        return 0
    figures = summary.summary_figures(summary.previous_week(now))
    return sum(_summary_send(user_id=user_id, week=week, figures=figures) for user_id in waiting)


@transaction.atomic
def _summary_send(*, user_id: int, week: str, figures) -> bool:
    """One subscriber's e-mail, if still theirs to get: the right to read the figures is asked again
    now (a reader who lost it loses the subscription too)."""
    from django.urls import reverse

    from ruche.analytics import summary
    from ruche.analytics.models import SummarySubscription
    from ruche.analytics.policies import can_subscribe_summary, can_view_searches
    from ruche.notifications.mail import email_queue

    waiting = SummarySubscription.objects.select_for_update().exclude(last_week=week).filter(pk=user_id)
    subscription = waiting.select_related("user").first()
    if subscription is None:
        return False  # another run sent it meanwhile
    user = subscription.user
    if not can_subscribe_summary(user):
        subscription.delete()
        return False
    email_queue(
        recipient=user,
        kind=summary.KIND,
        template="analytics/email/summary",
        context={
            "summary": figures,
            "searches": figures.empty_searches if can_view_searches(user) else None,
            "dashboard_url": settings.SITE_URL + reverse("analytics:dashboard"),
            "stop_url": settings.SITE_URL + reverse("analytics:dashboard") + "#summary",
        },
        key=f"{summary.KIND}:{week}",
        check_preference=False,
    )
    subscription.last_week = week
    subscription.save(update_fields=["last_week"])
    return True
