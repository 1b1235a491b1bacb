"""The weekly summary e-mail: the company's dashboard in short (active people, activation, the
pyramid, searches that found nothing), for its readers who asked for it (SummarySubscription).

Sent from Monday at settings.DIGEST_HOUR (local time) about the previous week, Monday to Sunday;
a server down on Monday catches up later in the week. One e-mail per person and week: the
subscription records the week sent, and the outbox's key refuses a second one
(services.summaries_send)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from ruche.analytics.company import activation, actives, pyramid
from ruche.analytics.models import SearchDay
from ruche.analytics.period import Period
from ruche.analytics.sections import Ask

KIND = "analytics_summary"  # the outbox's kind
TOP_EMPTY_SEARCHES = 5


def week_key(now: datetime.datetime) -> str:
    year, week, _day = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


def previous_week(now: datetime.datetime) -> Period:
    """Monday to Sunday, the week before `now`'s."""
    today = timezone.localtime(now).date()
    monday = today - datetime.timedelta(days=today.weekday())
    return Period(monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1))


def is_due(now: datetime.datetime) -> bool:
    """From Monday at the digests' hour to the end of the week."""
    local = timezone.localtime(now)
    return local.weekday() > 0 or local.hour >= settings.DIGEST_HOUR


@dataclass
class Summary:
    period: Period
    weekly_active: object  # people, or HIDDEN
    weekly_active_before: object
    activated: object
    activation_rate: float | None
    activation_rate_before: float | None
    levels: dict  # lurkers, participants, contributors (HIDDEN together when one is small)
    empty_searches: list[tuple[str, int]]  # shown only to those who may see searches


def summary_figures(period: Period) -> Summary:
    """The week's figures, the same for every subscriber (computed once per run)."""
    ask = Ask(viewer=None, period=period, today=period.end)
    active, started, levels = actives(ask), activation(ask), pyramid(ask)
    return Summary(
        period=period,
        weekly_active=active.weekly,
        weekly_active_before=active.weekly_before,
        activated=started.activated,
        activation_rate=started.rate,
        activation_rate_before=started.rate_before,
        levels=levels.levels,
        empty_searches=empty_searches(period),
    )


def empty_searches(period: Period, limit: int = TOP_EMPTY_SEARCHES) -> list[tuple[str, int]]:
    """The searches that found nothing most often (their texts: who searched is not stored)."""
    rows = (
        SearchDay.objects.filter(day__gte=period.start, day__lte=period.end, empty__gt=0)
        .values("query")
        .annotate(n=Sum("empty"))
        .order_by("-n", "query")[:limit]
    )
    return [(row["query"], row["n"]) for row in rows]
