"""The company's dashboard against figures counted by hand: activation, active people, the pyramid,
departments, the small-group threshold; who may read it; bad input; CSV exports."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone

from ruche.accounts.models import Department, User
from ruche.analytics import sections
from ruche.analytics.company import activation, actives, departments, pyramid
from ruche.analytics.models import PersonDay
from ruche.analytics.period import Period
from ruche.analytics.scope import Scope
from ruche.analytics.services import day_bounds
from ruche.analytics.tables import HIDDEN

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)  # a Monday


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return day_bounds(day)[0] + datetime.timedelta(hours=hour)


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def ask(viewer=None, days=7, **scope):
    return sections.Ask(viewer=viewer, period=Period.last(days, TODAY), today=TODAY, scope=Scope(**scope))


@pytest.fixture
def staff(person, rnd):
    """Twelve colleagues: u1–u6 of R&D invited 40 days ago (activated the next day), u7–u12 of no
    department invited 10 days ago; u7–u11 activated 2 days ago, u12 never."""
    people = [person(f"u{n}", rnd if n <= 6 else None) for n in range(1, 13)]
    for n, user in enumerate(people, start=1):
        joined = at(ago(40 if n <= 6 else 10))
        activated = at(ago(39)) if n <= 6 else at(ago(2)) if n <= 11 else None
        User.objects.filter(pk=user.pk).update(date_joined=joined, invited_at=joined, activated_at=activated)
    return people


def days_active(people, day, **figures):
    PersonDay.objects.bulk_create(PersonDay(user=u, day=day, **(figures or {"visits": 1})) for u in people)


def test_activation_counted_by_hand(staff, admin):
    User.objects.filter(pk=admin.pk).update(date_joined=at(ago(400)), activated_at=at(ago(400)))
    data = activation(ask(admin))
    assert (data.invited, data.activated) == (13, 12)  # the administrator is counted too
    assert data.rate == round(100 * 12 / 13, 1)
    assert data.rate_before == round(100 * 7 / 13, 1)  # at the end of the previous week
    assert data.newly_invited == 0
    assert data.newly_activated == 5  # u7–u11
    assert [p.first_name for p in data.waiting] == ["u12"]


def test_median_time_to_activate_needs_five_people(staff, admin):
    data = activation(ask(admin))
    assert data.median_days == 8.0  # u7–u11: invited 10 days ago, activated 2 days ago
    User.objects.filter(first_name="u11").update(activated_at=None)
    assert activation(ask(admin)).median_days is None


def test_actives_counted_by_hand(staff, admin):
    u = staff
    days_active(u[:6], TODAY)
    days_active(u[:5], ago(1))
    days_active(u[:7], ago(3))
    days_active(u[7:12], ago(20))
    days_active(u[:5], ago(10))
    days_active([u[11]], TODAY, accepted_answers=1)  # an answer accepted while away: not active
    data = actives(ask(admin))
    assert data.daily_average == round(18 / 7)
    assert data.weekly == 7
    assert data.monthly == 12
    assert (data.daily_average_before, data.weekly_before, data.monthly_before) == (round(5 / 7), 5, 10)
    assert dict(data.daily)[TODAY] == 6 and dict(data.daily)[ago(2)] == 0


def test_a_day_with_few_people_is_hidden_and_so_is_a_short_average(staff, admin):
    days_active(staff[:6], TODAY)
    days_active(staff[:2], ago(1))
    data = actives(ask(admin))
    assert dict(data.daily)[ago(1)] is HIDDEN
    assert data.daily_average == round(8 / 7)  # over a week, rounding blurs the hidden day
    assert data.weekly == 6
    assert actives(ask(admin, days=2)).daily_average is HIDDEN  # (6 + x) / 2 would tell x


def test_pyramid_counted_by_hand(staff, admin, settings):
    settings.ANALYTICS_MIN_GROUP = 2
    u = staff
    days_active([u[0]], ago(1), posts=1)
    days_active([u[1]], ago(2), ideas=1)
    days_active([u[2]], ago(3), answers=2)
    days_active([u[3]], ago(1), reactions=4)
    days_active([u[4]], ago(1), votes=1)
    days_active([u[5]], ago(5), replies=1, shares=1)
    days_active(u[6:8], TODAY, visits=3, pages=10)
    days_active([u[2]], TODAY, visits=1)  # still a contributor
    days_active([u[0]], ago(30), visits=1)  # before the period
    data = pyramid(ask(admin))
    assert data.levels == {"lurkers": 2, "participants": 3, "contributors": 3}
    assert (data.share_of("contributors"), data.share_of("lurkers")) == (37.5, 25.0)
    assert data.inactive == 11 - 8  # activated: u1–u11


def test_one_small_level_hides_the_three(staff, admin):
    days_active(staff[:6], TODAY)
    days_active([staff[0]], TODAY - datetime.timedelta(days=1), posts=1)
    assert pyramid(ask(admin)).levels == dict.fromkeys(("lurkers", "participants", "contributors"), HIDDEN)


def test_small_departments_show_no_figure(staff, admin, person, sales):
    trio = [person(f"s{n}", sales) for n in range(3)]
    days_active(trio, TODAY)
    days_active(staff[:6], TODAY)
    rows = {row[0]: row for row in departments(ask(admin)).rows}
    assert rows["Sales"][1:3] == [HIDDEN, HIDDEN]
    assert HIDDEN in rows["Sales"] and 3 not in rows["Sales"][1:]
    assert rows["R&D"][1:5] == [6, 6, 100.0, 6]


def test_a_department_filter_counts_its_people_only(staff, admin, rnd):
    days_active(staff, TODAY)
    assert actives(ask(admin, department=rnd)).weekly == 6
    assert activation(ask(admin, department=rnd)).invited == 6


# The page ------------------------------------------------------------------------------------------


@pytest.fixture
def analyst(make_user):
    return make_user("Ana", "Lyst", is_analyst=True)


def test_admins_and_analysts_read_the_dashboard_colleagues_do_not(client, admin, analyst, alice, staff):
    for reader in (admin, analyst):
        client.force_login(reader)
        page = client.get("/analytics/")
        assert page.status_code == 200
        assert "Activation" in page.content.decode()
        assert "u12 Test" in page.content.decode()  # the one who never activated, to remind
    client.force_login(alice)
    assert client.get("/analytics/").status_code == 403
    assert client.get("/analytics/export/actives.daily.csv").status_code == 403
    client.logout()
    assert client.get("/analytics/").status_code == 302


@pytest.mark.parametrize(
    "query, message",
    [
        ("period=custom&start=2026-05-10&end=2026-05-01", "The range ends before it starts."),
        ("period=custom&start=2014-01-01&end=2024-01-01", "A range spans 731 days at most."),
        ("period=custom&start=2026-05-10", "A custom range needs a first and a last day."),
        ("period=custom&start=not-a-date&end=2026-05-01", "Enter a valid date."),
        ("department=999999", "This department does not exist (any more)."),
        ("period=12", "Select a valid choice."),
    ],
)
def test_bad_filters_are_explained(client, admin, query, message):
    client.force_login(admin)
    page = client.get(f"/analytics/?{query}")
    assert page.status_code == 400
    assert message in page.content.decode()
    assert client.get(f"/analytics/export/actives.daily.csv?{query}").status_code == 400


def test_csv_export_neutralises_formulas_and_hides_small_groups(client, admin, person):
    evil = Department.objects.create(name='=HYPERLINK("http://x")')
    [person(f"e{n}", evil) for n in range(2)]
    client.force_login(admin)
    response = client.get("/analytics/export/departments.table.csv?period=28")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0][:2] == ["Department", "Invited"]
    evil_row = next(row for row in rows if "HYPERLINK" in row[0])
    assert evil_row[0].startswith("'=")
    assert evil_row[1] == "<5"


def test_export_of_an_empty_period_is_its_header(client, admin):
    client.force_login(admin)
    response = client.get("/analytics/export/actives.weekly.csv?period=7")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows == [["Week of", "Active people"]]
    assert client.get("/analytics/export/nothing.here.csv").status_code == 404


def test_remind_resends_invitations_once_a_day(client, admin, analyst, staff, side_effects):
    waiting = User.objects.get(first_name="u12")
    User.objects.filter(pk=waiting.pk).update(invited_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(analyst)
    assert client.post("/analytics/remind/", {"person": [waiting.pk]}).status_code == 403
    client.force_login(admin)
    with side_effects():
        response = client.post(
            "/analytics/remind/", {"person": [waiting.pk, staff[0].pk], "query": "period=7"}
        )
    assert response.status_code == 302 and response["Location"] == "/analytics/?period=7#activation"
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    with side_effects():
        client.post("/analytics/remind/", {"person": [waiting.pk]})
    assert len(mail.outbox) == 1  # invited again less than a day ago


def test_my_activity_is_mine(client, alice, bruno):
    PersonDay.objects.create(user=alice, day=timezone.localdate(), visits=3, posts=2)
    PersonDay.objects.create(user=bruno, day=timezone.localdate(), visits=9, posts=7)
    client.force_login(alice)
    page = client.get("/analytics/me/").content.decode()
    assert 'class="figure-value">3<' in page and 'class="figure-value">2<' in page
    assert ">9<" not in page and ">7<" not in page


# The JSON API ----------------------------------------------------------------------------------------


def test_api_serves_the_same_rows_as_the_csv(client, admin, staff, api_as):
    days_active(staff[:6], timezone.localdate())
    as_admin = api_as(admin)
    listed = as_admin.get("/analytics/tables")
    assert listed.status_code == 200
    assert {"key": "actives.daily", "title": "People active each day", "section": "actives"} in listed.json()
    table = as_admin.get("/analytics/tables/actives.summary", period="7").json()
    weekly = next(row for row in table["rows"] if row["figure"].startswith("Weekly"))
    assert weekly["value"] == 6 and table["hidden_below"] == 5
    client.force_login(admin)
    csv_rows = list(csv.reader(io.StringIO(b"".join(
        client.get("/analytics/export/actives.summary.csv?period=7").streaming_content
    ).decode().lstrip("\ufeff"))))  # fmt: skip
    assert [row["figure"] for row in table["rows"]] == [row[0] for row in csv_rows[1:]]


def test_api_refuses_colleagues_and_bad_filters(admin, alice, api_as):
    assert api_as(alice).get("/analytics/tables/actives.daily").status_code == 403
    refused = api_as(admin).get(
        "/analytics/tables/actives.daily", period="custom", start="2026-05-10", end="2026-05-01"
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == "The range ends before it starts."
    assert api_as(admin).get("/analytics/tables/no.such").status_code == 404
    mine = api_as(alice).get("/analytics/me")
    assert mine.status_code == 200 and mine.json()["days"] == 28


def test_an_administrator_makes_a_colleague_an_analyst(client, admin, alice):
    client.force_login(alice)
    assert client.get("/analytics/").status_code == 403
    assert client.post(f"/people/{admin.handle}/roles/", {"is_analyst": "on"}).status_code == 403
    client.force_login(admin)
    assert client.get(f"/people/{alice.handle}/roles/").status_code == 200
    assert client.post(f"/people/{alice.handle}/roles/", {"is_analyst": "on"}).status_code == 302
    alice.refresh_from_db()
    assert (alice.is_analyst, alice.is_staff, alice.is_announcer) == (True, False, False)
    assert client.get(f"/people/{admin.handle}/roles/").status_code == 403  # not one's own
    client.force_login(alice)
    assert client.get("/analytics/").status_code == 200
    assert 'href="/analytics/"' in client.get("/").content.decode()  # in her account menu


def test_the_dashboard_asks_as_many_queries_whatever_the_size_of_the_company(client, admin, person, rnd):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/analytics/?period=90").status_code == 200
        return len(seen)

    def grow(n: int):
        unit = Department.objects.create(name=f"Unit {n}")
        people = [person(f"p{n}-{k}", unit) for k in range(6)]
        for back in range(0, 90, 9):
            days_active(people, timezone.localdate() - datetime.timedelta(days=back), posts=1)

    client.force_login(admin)
    grow(0)
    queries()  # the first page of a session warms caches
    small = queries()
    for n in range(1, 4):
        grow(n)
    assert queries() == small


def test_figures_the_same_for_every_reader_are_computed_once_for_a_few_minutes(
    client, admin, analyst, staff, settings, make_community
):
    from ruche.analytics.sections import forget_figures
    from ruche.communities.models import Community

    settings.ANALYTICS_CACHE_SECONDS = 300
    make_community("Cercle fermé", visibility=Community.Visibility.SECRET, owner=staff[0])
    days_active(staff[:6], timezone.localdate())

    def weekly(reader) -> str:
        client.force_login(reader)
        page = client.get("/analytics/?period=7").content.decode()
        card = page.split("Weekly active people</p>", 1)[1]
        return card.split('class="figure-value">', 1)[1].split("<", 1)[0], page

    assert weekly(admin)[0] == "6"
    days_active(staff[6:9], timezone.localdate())
    figure, page = weekly(analyst)
    assert figure == "6"  # the administrator's computation, a moment ago
    assert "Cercle fermé" not in page  # what depends on the reader is computed for each reader
    assert "Cercle fermé" in weekly(admin)[1]
    forget_figures()
    assert weekly(analyst)[0] == "9"


def test_a_hidden_figure_stays_hidden_through_the_cache(client, admin, staff, settings):
    import pickle

    assert pickle.loads(pickle.dumps(HIDDEN)) is HIDDEN  # noqa: S301 - our own bytes
    settings.ANALYTICS_CACHE_SECONDS = 300
    days_active(staff[:2], timezone.localdate())  # two people: "fewer than 5"
    client.force_login(admin)
    for _twice in range(2):  # computed, then read from the cache
        page = client.get("/analytics/?period=7")
        assert page.status_code == 200
        card = page.content.decode().split("Weekly active people</p>", 1)[1]
        assert card.split('class="figure-value hidden-figure">', 1)[1].startswith("fewer than 5")


def test_a_long_waiting_list_shows_its_first_names_and_exports_them_all(client, admin, staff, monkeypatch):
    from ruche.analytics import company

    User.objects.filter(first_name__in=["u10", "u11"]).update(activated_at=None)
    monkeypatch.setattr(company, "WAITING_SHOWN", 2)
    client.force_login(admin)
    page = client.get("/analytics/").content.decode()
    assert "u10 Test" in page and "u11 Test" in page and "u12 Test" not in page
    assert "And 1 more person: every one is in the CSV file." in page
    exported = b"".join(client.get("/analytics/export/activation.waiting.csv").streaming_content).decode()
    assert [line.split(",")[0] for line in exported.lstrip("\ufeff").splitlines()[1:]] == [
        "u10 Test",
        "u11 Test",
        "u12 Test",
    ]
