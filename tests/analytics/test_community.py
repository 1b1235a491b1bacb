"""A community's dashboard against figures counted by hand: members, who takes part, posts and
replies week by week, unanswered questions, the most engaged posts; who may read it (owners,
animators, administrators, analysts; never a secret community's for an analyst outside it); bad
input; CSV exports; the link from the community's page."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ruche.accounts.models import User
from ruche.analytics import sections
from ruche.analytics.community import activity, engaged, members, taking_part, unanswered
from ruche.analytics.models import CommunityDay, CommunityPersonDay
from ruche.analytics.period import Period
from ruche.analytics.services import day_bounds
from ruche.analytics.tables import HIDDEN
from ruche.communities.models import Community, Membership
from ruche.posts.models import Post
from ruche.posts.services import post_create, reaction_set
from ruche.qa.services import question_ask

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)  # a Monday
Role = Membership.Role


def ago(days: int, today: datetime.date = TODAY) -> datetime.date:
    return today - datetime.timedelta(days=days)


def ask(community, viewer=None, days=7, today=TODAY):
    return sections.Ask(viewer=viewer, period=Period.last(days, today), today=today, community=community)


@pytest.fixture
def analyst(make_user):
    return make_user("Ana", "Lyst", is_analyst=True)


@pytest.fixture
def crew(make_user):
    """Eight members besides the owner, and two colleagues who are not members."""
    return [make_user(f"m{n}", "Crew") for n in range(8)], [make_user(f"o{n}", "Out") for n in range(2)]


@pytest.fixture
def club(make_community, crew, make_user):
    """Olivia owns it, Anne animates it, the crew belongs to it, all for a month."""
    anne = make_user("Anne", "Animatrice")
    community = make_community("Club qualité", animators=[anne], members=crew[0])
    joined = day_bounds(ago(30))[0]
    Membership.objects.filter(community=community).update(created=joined)
    return community


def did(community, people, day, **figures):
    CommunityPersonDay.objects.bulk_create(
        CommunityPersonDay(community=community, user=u, day=day, **figures) for u in people
    )


# Figures counted by hand ----------------------------------------------------------------------------


def test_members_day_by_day_with_the_previous_period(club):
    for day, n in ((TODAY, 12), (ago(3), 10), (ago(8), 9), (ago(13), 7)):
        CommunityDay.objects.create(community=club, day=day, members=n)
    data = members(ask(club))
    assert (data.now, data.before) == (12, 9)
    assert dict(data.daily)[ago(3)] == 10 and dict(data.daily)[ago(1)] is None  # no figure that day
    assert data.tables[1].rows[0] == [ago(6), None, 7]  # same day of the previous period


def test_who_takes_part_counted_by_hand(club, crew, settings):
    settings.ANALYTICS_MIN_GROUP = 2
    m, outsiders = crew
    did(club, [m[0]], ago(1), posts=1)
    did(club, [m[1]], ago(2), answers=1, reactions=3)  # answering makes a contributor
    did(club, [m[2]], ago(1), reactions=2)
    did(club, [m[3]], ago(3), replies=1)
    did(club, [m[4]], ago(0), votes=1)
    did(club, outsiders, ago(1), reactions=1)
    did(club, [m[0]], ago(10), reactions=1)  # the previous period
    did(club, [outsiders[0]], ago(9), shares=1)
    data = taking_part(ask(club))
    assert data.members == 10  # the owner, the animator and the crew
    assert data.levels == {"lurkers": 5, "participants": 3, "contributors": 2}
    assert data.share_of("contributors") == 20.0
    assert (data.active, data.active_members, data.active_others) == (7, 5, 2)
    assert data.active_before == 2
    assert (data.active_members_before, data.active_others_before) == (HIDDEN, HIDDEN)  # one and one


def test_few_people_hide_the_levels_and_the_split(club, crew):
    m, outsiders = crew
    did(club, m[:6], ago(1), reactions=1)
    did(club, m[6:7], ago(1), posts=1)
    did(club, outsiders, ago(2), reactions=1)
    data = taking_part(ask(club))
    assert data.levels == dict.fromkeys(("lurkers", "participants", "contributors"), HIDDEN)
    assert (data.active, data.active_members, data.active_others) == (9, HIDDEN, HIDDEN)
    assert data.members == 10  # a member count is on the community's page already


def test_posts_and_replies_week_by_week(club, crew, make_user):
    m, outsiders = crew
    did(club, m[:5], datetime.date(2026, 6, 14), posts=1)  # a Sunday: week of June 8
    did(club, m[5:7], TODAY, posts=3)  # two people only: hidden
    did(club, m[:4] + outsiders, datetime.date(2026, 6, 10), replies=1, answers=1)
    did(club, m[:5], datetime.date(2026, 6, 1), posts=2)  # the previous period
    data = activity(ask(club, days=14))
    assert data.weekly == [(datetime.date(2026, 6, 8), 5, 12), (datetime.date(2026, 6, 15), HIDDEN, 0)]
    assert data.now == {"posts": 11, "replies": 12, "reactions": 0}
    assert data.before == {"posts": 10, "replies": 0, "reactions": 0}


def _asked(author, body, community, days_ago, answered_by=None):
    question = question_ask(author=author, body=body, communities=[community])
    if answered_by:
        post_create(author=answered_by, body="Voici", parent=question)
    Post.objects.filter(pk=question.pk).update(created=timezone.now() - datetime.timedelta(days=days_ago))
    return question


def test_unanswered_questions_oldest_first(club, crew, make_community, side_effects):
    m, _outsiders = crew
    with side_effects():
        newer = _asked(m[0], "Qui a la clé du labo ?", club, 2)
        _asked(m[1], "Où est la norme ISO ?", club, 5, answered_by=m[2])
        oldest = _asked(m[2], "Quand est l'audit ?", club, 9)
        alone = _asked(m[3], "Personne ?", club, 4, answered_by=m[3])  # only its asker replied
        _asked(m[4], "Ailleurs ?", make_community("Autre club", owner=m[4]), 20)
    today = timezone.localdate()
    data = unanswered(ask(club, viewer=m[5], today=today))
    assert data.count == 3
    assert data.questions == [oldest, alone, newer]
    row = data.tables[0].rows[0]
    assert row[0] == "Quand est l'audit ?" and row[2] == 9 and row[3].endswith(f"/posts/{oldest.pk}/")


def test_a_private_community_lists_no_post_to_an_analyst_outside_it(
    make_community, crew, analyst, side_effects
):
    m, _outsiders = crew
    private = make_community("Projet", visibility=Community.Visibility.PRIVATE, members=m[:3])
    with side_effects():
        question = _asked(m[0], "Confidentiel ?", private, 3)
        reaction_set(post=question, user=m[1], kind="like")
    today = timezone.localdate()
    assert unanswered(ask(private, viewer=analyst, today=today)).count == 1
    assert unanswered(ask(private, viewer=analyst, today=today)).questions == []
    assert unanswered(ask(private, viewer=m[2], today=today)).questions == [question]
    hidden = engaged(ask(private, viewer=analyst, today=today))
    assert (hidden.posts, hidden.unreadable) == ([], 1)


def test_most_engaged_posts_of_the_period(club, crew, side_effects):
    m, _outsiders = crew
    with side_effects():
        liked = post_create(author=m[0], body="Trois réactions", communities=[club])
        for person in m[1:4]:
            reaction_set(post=liked, user=person, kind="like")
        discussed = post_create(author=m[1], body="Deux réponses et une réaction", communities=[club])
        post_create(author=m[2], body="Oui", parent=discussed)
        post_create(author=m[3], body="Non", parent=discussed)
        reaction_set(post=discussed, user=m[4], kind="like")
        post_create(author=m[5], body="Silence", communities=[club])  # nothing: not listed
        old = post_create(author=m[6], body="Ancien", communities=[club])
        post_create(author=m[7], body="Tard", parent=old)
    Post.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=20))
    data = engaged(ask(club, viewer=m[0], today=timezone.localdate()))
    assert data.posts == [discussed, liked]  # the same engagement: the newer first
    assert [p.engagement for p in data.posts] == [3, 3]
    assert data.tables[0].rows[0][2:6] == [2, 1, 0, 3]


# The page --------------------------------------------------------------------------------------------


def url(community, rest: str = "") -> str:
    return f"/analytics/communities/{community.slug}/{rest}"


def test_owners_animators_admins_and_analysts_read_it(client, club, admin, analyst):
    owner = User.objects.get(memberships__community=club, memberships__role=Role.OWNER)
    animator = User.objects.get(memberships__community=club, memberships__role=Role.ANIMATOR)
    for reader in (owner, animator, admin, analyst):
        client.force_login(reader)
        page = client.get(url(club))
        assert page.status_code == 200, reader
        text = page.content.decode()
        assert "Figures of Club qualité" in text and "Most engaged posts" in text and "most read" in text


def test_a_plain_member_and_an_outsider_are_refused(client, club, crew, make_community):
    m, outsiders = crew
    make_community("Autre club", owner=outsiders[0])
    for colleague in (m[0], outsiders[0]):  # a member here; the owner of another community
        client.force_login(colleague)
        assert client.get(url(club)).status_code == 403
        assert client.get(url(club, "export/members.daily.csv")).status_code == 403
    client.logout()
    assert client.get(url(club)).status_code == 302


def test_a_secret_community_does_not_exist_for_an_analyst_outside_it(client, make_community, analyst, crew):
    m, _outsiders = crew
    secret = make_community("Secret", visibility=Community.Visibility.SECRET, members=m[:2])
    client.force_login(analyst)
    assert client.get(url(secret)).status_code == 404
    assert client.get(url(secret, "export/members.daily.csv")).status_code == 404
    client.force_login(m[0])
    assert client.get(url(secret)).status_code == 403  # a member knows it exists, not its figures


@pytest.mark.parametrize(
    "query, message",
    [
        ("period=custom&start=2026-05-10&end=2026-05-01", "The range ends before it starts."),
        ("period=custom&start=2026-05-10", "A custom range needs a first and a last day."),
        ("period=12", "Select a valid choice."),
    ],
)
def test_bad_periods_are_explained(client, club, admin, query, message):
    client.force_login(admin)
    page = client.get(f"{url(club)}?{query}")
    assert page.status_code == 400
    assert message in page.content.decode()
    assert client.get(f"{url(club, 'export/members.daily.csv')}?{query}").status_code == 400


def test_csv_export_of_a_table(client, club, crew, admin):
    m, _outsiders = crew
    did(club, m[:5], timezone.localdate(), posts=1)
    client.force_login(admin)
    response = client.get(f"{url(club, 'export/activity.summary.csv')}?period=7")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"ruche-{club.slug}-activity-summary-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0] == ["Figure", "Value", "Previous period"]
    assert rows[1] == ["Posts", "5", "0"]
    assert client.get(url(club, "export/nothing.here.csv")).status_code == 404
    page = client.get(f"{url(club)}?period=7").content.decode()
    assert f'href="/analytics/communities/{club.slug}/export/activity.weekly.csv?period=7"' in page


def test_the_community_page_links_to_its_figures_for_those_who_may_read_them(client, club, crew, analyst):
    owner = User.objects.get(memberships__community=club, memberships__role=Role.OWNER)
    link = f'href="/analytics/communities/{club.slug}/"'
    for reader, sees in ((owner, True), (analyst, True), (crew[0][0], False)):
        client.force_login(reader)
        assert (link in client.get(f"/communities/{club.slug}/").content.decode()) is sees, reader


def test_the_page_asks_as_many_queries_whatever_the_community_s_size(
    client, club, crew, make_user, side_effects
):
    owner = User.objects.get(memberships__community=club, memberships__role=Role.OWNER)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(f"{url(club)}?period=90").status_code == 200
        return len(seen)

    def grow(n: int):
        people = [make_user(f"g{n}-{k}", "Grow") for k in range(6)]
        Membership.objects.bulk_create(Membership(community=club, user=u) for u in people)
        with side_effects():
            for person in people:
                post = question_ask(author=person, body=f"Question {n} ?", communities=[club])
                reaction_set(post=post, user=owner, kind="like")
        for back in range(0, 90, 9):
            did(club, people, timezone.localdate() - datetime.timedelta(days=back), posts=1, reactions=2)
            CommunityDay.objects.update_or_create(
                community=club,
                day=timezone.localdate() - datetime.timedelta(days=back),
                defaults={"members": n},
            )

    client.force_login(owner)
    grow(0)
    queries()  # the first page of a session warms caches
    small = queries()
    for n in range(1, 4):
        grow(n)
    assert queries() == small


def test_the_api_serves_a_community_s_tables_to_its_readers_only(club, crew, admin, analyst, api_as):
    m, outsiders = crew
    did(club, m[:5], timezone.localdate(), posts=1)
    listed = api_as(analyst).get(f"/analytics/communities/{club.slug}/tables", period="7")
    assert listed.status_code == 200
    assert "activity.summary" in [t["key"] for t in listed.json()]
    table = (
        api_as(admin).get(f"/analytics/communities/{club.slug}/tables/activity.summary", period="7").json()
    )
    assert table["rows"][0] == {"figure": "Posts", "value": 5, "before": 0}
    for colleague in (m[0], outsiders[0]):
        assert (
            api_as(colleague).get(f"/analytics/communities/{club.slug}/tables/activity.summary").status_code
            == 403
        )
    reversed_range = {"period": "custom", "start": "2026-05-10", "end": "2026-05-01"}
    refused = api_as(admin).get(
        f"/analytics/communities/{club.slug}/tables/activity.summary", **reversed_range
    )
    assert refused.status_code == 400 and refused.json()["detail"] == "The range ends before it starts."
    assert api_as(admin).get("/analytics/communities/no-such-club/tables").status_code == 404


def test_a_community_s_page_read_twice_through_the_cache(client, club, crew, admin, settings):
    settings.ANALYTICS_CACHE_SECONDS = 300
    m, _outsiders = crew
    did(club, m[:2], timezone.localdate(), posts=1)  # two people: hidden figures, cached
    client.force_login(admin)
    for _twice in range(2):  # computed, then read from the cache (a hidden figure was once a 500)
        page = client.get(url(club))
        assert page.status_code == 200 and "fewer than 5" in page.content.decode()


def test_days_waiting_count_the_company_s_days_not_utc_ones(club, crew, side_effects, settings):
    """Asked at 00:30 in Paris is still the day before in UTC: the date shown and the days waiting
    are the company's (the page's `today` is), whatever the hour the page is read."""
    settings.TIME_ZONE = "Europe/Paris"
    m, _outsiders = crew
    with side_effects():
        question = _asked(m[0], "Qui ouvre le labo ?", club, 0)
    today = timezone.localdate()
    asked_day = today - datetime.timedelta(days=9)
    just_after_midnight = timezone.make_aware(datetime.datetime.combine(asked_day, datetime.time(0, 30)))
    Post.objects.filter(pk=question.pk).update(created=just_after_midnight)
    row = unanswered(ask(club, viewer=m[5], today=today)).tables[0].rows[0]
    assert row[1] == asked_day and row[2] == 9
