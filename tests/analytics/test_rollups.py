"""Weeks and months rolled up from the days (what the trends read) agree with the days, whether
built by the backfill or by the periodic refresh; the trends and the monthly pyramid read them."""

import datetime

import pytest

from ruche.analytics import sections
from ruche.analytics.company import actives, pyramid
from ruche.analytics.models import PersonDay, PersonMonth, PersonWeek
from ruche.analytics.period import Period
from ruche.analytics.scope import Scope
from ruche.analytics.services import facts_refresh, facts_sweep, rollups_backfill

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 17)  # a Wednesday
MONDAY = datetime.date(2026, 6, 15)


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def staff(person, rnd):
    return [person(f"r{n}", rnd if n < 6 else None) for n in range(12)]


def active(people, day, **figures):
    PersonDay.objects.bulk_create(PersonDay(user=u, day=day, **(figures or {"visits": 1})) for u in people)


@pytest.fixture
def history(staff):
    """This week: r0–r5 visit on Monday, r0–r2 post today. Last week (June 8–14): r0–r9 react on the
    10th, r6 posts on the 14th. May: r0–r7 visit on the 20th; r11 only has an answer accepted."""
    active(staff[:6], MONDAY)
    active(staff[:3], TODAY, posts=1)
    active(staff[:10], datetime.date(2026, 6, 10), reactions=2)
    active([staff[6]], datetime.date(2026, 6, 14), posts=1)
    active(staff[:8], datetime.date(2026, 5, 20))
    active([staff[11]], datetime.date(2026, 5, 21), accepted_answers=1)
    return staff


def by_start(model) -> dict:
    rows = model.objects.order_by("start", "user__first_name").values_list("start", "user__first_name")
    found: dict = {}
    for start, name in rows:
        found.setdefault(start, []).append(name)
    return found


def test_the_backfill_rolls_up_weeks_and_months_by_hand(history):
    rollups_backfill(since=datetime.date(2026, 5, 1), today=TODAY)
    weeks = by_start(PersonWeek)
    assert weeks[MONDAY] == ["r0", "r1", "r2", "r3", "r4", "r5"]
    assert weeks[datetime.date(2026, 6, 8)] == [f"r{n}" for n in range(10)]
    assert weeks[datetime.date(2026, 5, 18)] == [f"r{n}" for n in range(8)]  # not r11
    months = by_start(PersonMonth)
    assert len(months[datetime.date(2026, 6, 1)]) == 10 and len(months[datetime.date(2026, 5, 1)]) == 8
    june_r6 = PersonMonth.objects.get(start=datetime.date(2026, 6, 1), user=history[6])
    assert (june_r6.contributed, june_r6.participated) == (1, 2)


def test_the_refresh_rolls_up_today_s_week_and_month_as_the_backfill_does(staff):
    def state():
        return [list(model.objects.order_by("start", "user").values_list("start", "user", "contributed", "participated")) for model in (PersonWeek, PersonMonth)]  # fmt: skip

    active(staff[:6], MONDAY)
    active(staff[3:9], TODAY)  # visits only: counted live, kept by the refresh
    facts_refresh(today=TODAY)
    refreshed = state()
    assert len(refreshed[0]) == 9 and len(refreshed[1]) == 9
    PersonWeek.objects.all().delete()
    PersonMonth.objects.all().delete()
    rollups_backfill(since=MONDAY, today=TODAY)
    assert state() == refreshed


def test_trends_and_the_monthly_pyramid_read_the_rollups(history, admin, settings):
    settings.ANALYTICS_MIN_GROUP = 2
    rollups_backfill(since=datetime.date(2026, 5, 1), today=TODAY)
    ask = sections.Ask(viewer=admin, period=Period.last(28, TODAY), today=TODAY, scope=Scope())
    data = actives(ask)
    assert dict(data.by_week)[MONDAY] == 6 and dict(data.by_week)[datetime.date(2026, 6, 8)] == 10
    assert dict(data.by_month) == {datetime.date(2026, 5, 1): 8, datetime.date(2026, 6, 1): 10}
    trend = dict(pyramid(ask).trend)
    assert trend[datetime.date(2026, 6, 1)] == {"lurkers": 0, "participants": 6, "contributors": 4}
    assert trend[datetime.date(2026, 5, 1)] == {"lurkers": 8, "participants": 0, "contributors": 0}


def test_a_department_filter_applies_to_the_trends(history, admin, rnd):
    rollups_backfill(since=datetime.date(2026, 5, 1), today=TODAY)
    ask = sections.Ask(viewer=admin, period=Period.last(28, TODAY), today=TODAY, scope=Scope(department=rnd))
    assert dict(actives(ask).by_month) == {datetime.date(2026, 5, 1): 6, datetime.date(2026, 6, 1): 6}


def test_old_weeks_and_months_are_swept_with_the_days(history, settings):
    rollups_backfill(since=datetime.date(2026, 5, 1), today=TODAY)
    settings.ANALYTICS_RETENTION_MONTHS = 0  # keeps today only
    facts_sweep(today=TODAY)
    assert list(by_start(PersonMonth)) == [datetime.date(2026, 6, 1)]  # the month under way is kept
    assert list(by_start(PersonWeek)) == [MONDAY]
