"""Visits, pages and searches: counted in memory by the web process, written in one statement per
batch. An ordinary request writes nothing and asks nothing more of the database."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ruche.accounts.models import User
from ruche.analytics import counters
from ruche.analytics.counters import tally
from ruche.analytics.models import PersonDay, SearchDay
from ruche.analytics.reactions import count_search
from ruche.core.events import subscribers
from ruche.search.events import SearchRan

pytestmark = pytest.mark.django_db

MIDDLEWARE = "ruche.analytics.middleware.ActivityMiddleware"


@pytest.fixture
def batch_of_five(settings):
    settings.ANALYTICS_FLUSH_PAGES = 5
    settings.ANALYTICS_FLUSH_SECONDS = 3600


def signed_in(user, *, away: datetime.timedelta | None = datetime.timedelta(hours=2)) -> Client:
    User.objects.filter(pk=user.pk).update(last_seen_at=timezone.now() - away if away else None)
    client = Client()
    client.force_login(user)
    return client


def analytics_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "analytics_" in q["sql"]]


def test_pages_are_counted_in_memory_then_written_in_one_statement(alice, batch_of_five):
    client = signed_in(alice)
    today = timezone.localdate()
    for _ in range(4):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert analytics_queries(queries.captured_queries) == []
    assert tally.people == {(alice.pk, today): [1, 4, 0]}  # one visit: the first page after 2 hours
    assert not PersonDay.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    (written,) = analytics_queries(queries.captured_queries)
    assert written.startswith("INSERT INTO analytics_personday")
    assert PersonDay.objects.values_list("visits", "pages").get(user=alice, day=today) == (1, 5)
    assert tally.people == {}
    for _ in range(5):
        client.get("/")
    assert PersonDay.objects.values_list("visits", "pages").get(user=alice, day=today) == (1, 10)  # added


def test_the_middleware_asks_nothing_of_the_database(alice, settings):
    def queries_of_a_page(middleware) -> list[str]:
        settings.MIDDLEWARE = middleware
        client = signed_in(alice, away=datetime.timedelta(seconds=1))
        client.get("/")  # caches warmed alike
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    with_it = queries_of_a_page(list(settings.MIDDLEWARE))
    without = queries_of_a_page([m for m in settings.MIDDLEWARE if m != MIDDLEWARE])
    assert len(with_it) == len(without)
    assert tally.people  # it did count


@pytest.mark.parametrize(
    ("away", "visit"),
    [(None, 1), (datetime.timedelta(minutes=31), 1), (datetime.timedelta(minutes=29), 0)],
    ids=["never-seen", "after-31-minutes", "after-29-minutes"],
)
def test_a_visit_is_a_page_after_30_minutes_without_a_request(alice, away, visit):
    signed_in(alice, away=away).get("/")
    assert tally.people == {(alice.pk, timezone.localdate()): [visit, 1, 0]}


def test_what_is_not_a_page_is_not_counted(alice, client, make_community):
    anonymous = Client()
    anonymous.get("/")
    person = signed_in(alice)
    person.get("/", headers={"HX-Request": "true"})  # a part of a page
    person.get("/no-such-page/")  # 404
    person.post("/")
    person.get("/api/ruche/v1/me")
    person.get("/static/ruche.css")
    assert tally.people == {}


def test_a_search_is_counted_without_who_searched(alice, batch_of_five):
    assert [f.__name__ for f in subscribers(SearchRan)] == ["count_search"]
    client = signed_in(alice)
    today = timezone.localdate()
    client.get("/search/", {"q": "  Soudure   LASER "})  # found nothing
    client.get("/search/", {"q": "soudure laser", "offset": 20})  # its next page: not a new search
    client.get("/search/", {"q": "Alice"})  # finds Alice
    assert tally.queries == {(today, "soudure laser"): [1, 1], (today, "alice"): [1, 0]}
    assert tally.people == {(alice.pk, today): [1, 3, 2]}
    counters.flush()
    assert list(SearchDay.objects.values_list("day", "query", "searches", "empty").order_by("query")) == [
        (today, "alice", 1, 0),
        (today, "soudure laser", 1, 1),
    ]
    assert PersonDay.objects.values_list("searches", flat=True).get(user=alice) == 2


def test_a_search_through_the_api_counts_too(alice, api_as):
    api_as(alice).get("/search/", q="Qualité")
    assert tally.queries == {(timezone.localdate(), "qualite"): [1, 1]}


def test_a_failed_write_keeps_the_counts_for_the_next_one(alice, monkeypatch):
    today = timezone.localdate()
    tally.page(alice.pk, today, visit=True)
    count_search(SearchRan(user_id=alice.pk, query="Soudure", found=True))

    def down(**kwargs):
        raise ConnectionError("database unavailable")

    monkeypatch.setattr("ruche.analytics.services.live_counts_add", down)
    assert counters.flush() == 0
    monkeypatch.undo()
    tally.page(alice.pk, today, visit=False)
    assert counters.flush() == 1
    assert PersonDay.objects.values_list("visits", "pages", "searches").get(user=alice) == (1, 2, 1)
    assert SearchDay.objects.values_list("query", "searches").get() == ("soudure", 1)


def test_the_time_limit_flushes_a_quiet_process(alice, settings):
    settings.ANALYTICS_FLUSH_SECONDS = 0
    settings.ANALYTICS_FLUSH_PAGES = 1000
    signed_in(alice).get("/")
    assert PersonDay.objects.values_list("pages", flat=True).get(user=alice) == 1


def test_large_batches_are_written_a_thousand_rows_a_statement(make_user):
    people = [make_user(f"P{i}", "Test") for i in range(3)]
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(400)]
    for user in people:
        for day in days:
            tally.page(user.pk, day, visit=False)
    with CaptureQueriesContext(connection) as queries:
        assert counters.flush() == 1200
    assert len(analytics_queries(queries.captured_queries)) == 2
    assert PersonDay.objects.count() == 1200


@pytest.mark.django_db(transaction=True)
def test_someone_deleted_before_the_write_is_left_out(make_user):
    alice, gone = make_user("Alice", "Test"), make_user("Gone", "Test")
    today = timezone.localdate()
    tally.page(alice.pk, today, visit=True)
    tally.page(gone.pk, today, visit=True)
    User.objects.filter(pk=gone.pk).delete()
    assert counters.flush() == 2
    assert list(PersonDay.objects.values_list("user", "visits")) == [(alice.pk, 1)]
    assert tally.people == {}
