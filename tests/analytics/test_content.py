"""The dashboard's content sections against figures counted by hand: communities, questions and
answers, searches, announcements' reach, idea campaigns; what each viewer may see of them (secret
communities, search texts, announcements to a community), small groups hidden, CSV, query counts."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from ruche.analytics import sections
from ruche.analytics.content import announcements, campaigns, communities, questions, searches
from ruche.analytics.models import CommunityDay, CommunityPersonDay, SearchDay
from ruche.analytics.period import Period
from ruche.analytics.scope import Scope
from ruche.analytics.services import day_bounds
from ruche.analytics.tables import HIDDEN
from ruche.announcements.models import Announcement, Receipt
from ruche.communities.models import Community, Membership, Placement
from ruche.ideas import services as ideas
from ruche.posts.models import Post
from ruche.qa.models import Question

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)
Role = Membership.Role
LAST_WEEK = f"period=custom&start={TODAY - datetime.timedelta(days=6)}&end={TODAY}"


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return day_bounds(day)[0] + datetime.timedelta(hours=hour)


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def ask(viewer, days=7, today=TODAY, **scope):
    return sections.Ask(viewer=viewer, period=Period.last(days, today), today=today, scope=Scope(**scope))


def by_name(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


@pytest.fixture
def analyst(make_user):
    return make_user("Ana", "Lyst", is_analyst=True)


@pytest.fixture
def crowd(person, rnd):
    """Eight colleagues: c1–c4 of R&D, c5–c8 of no department."""
    return [person(f"c{n}", rnd if n <= 4 else None) for n in range(1, 9)]


def did(community, people, day, **figures):
    CommunityPersonDay.objects.bulk_create(
        CommunityPersonDay(community=community, user=u, day=day, **(figures or {"posts": 1})) for u in people
    )


def members(community, **by_day):
    """members(c, before=10, end=12): its size at the end of the day before the period, and of its
    last day (TODAY)."""
    days = {"before": ago(7), "end": TODAY}
    CommunityDay.objects.bulk_create(
        CommunityDay(community=community, day=days[key], members=n) for key, n in by_day.items()
    )


# Communities ---------------------------------------------------------------------------------------


@pytest.fixture
def places(make_community, crowd, make_user):
    """Alpha: lively, grew; Beta: two active people, lost members, its owner idle; Gamma: quiet, no
    figure; Secret: lively but secret (c1 a member); Old: archived."""
    owner = crowd[0]
    alpha = make_community("Alpha", owner=owner, animators=[crowd[1]])
    beta = make_community("Beta", owner=make_user("Bea", "Owner"))
    gamma = make_community("Gamma", owner=crowd[2])
    secret = make_community("Secret", visibility=Community.Visibility.SECRET, owner=crowd[0])
    old = make_community("Old", owner=crowd[3], archived_at=timezone.now())
    did(alpha, crowd[1:7], ago(1), posts=1, replies=2)  # six people, 18 posts and replies
    did(alpha, [crowd[0]], ago(20), answers=1)  # before the period
    did(beta, crowd[4:6], ago(2), reactions=3)  # two people: hidden
    did(beta, [crowd[4]], ago(3), answers=1)
    did(secret, crowd[:6], TODAY, posts=2)
    did(old, crowd[:6], TODAY, posts=2)
    members(alpha, before=10, end=12)
    members(beta, before=8, end=6)
    members(gamma, before=3, end=3)
    members(secret, before=9, end=5)
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "secret": secret, "old": old}


def test_communities_counted_by_hand(places, analyst):
    data = communities(ask(analyst))
    tables = {table.key: table for table in data.tables}
    assert [f.name for f in data.figures] == ["Alpha", "Beta", "Gamma"]  # not Secret, not Old
    assert by_name(tables["communities.most_alive"]) == {
        "Alpha": [6, 18, 10, 12, 2],
        "Beta": [HIDDEN, HIDDEN, 8, 6, -2],  # two people active: neither they nor what they did
    }
    assert by_name(tables["communities.least_alive"]) == {"Gamma": [0, 0, HIDDEN, HIDDEN, None]}
    assert list(by_name(tables["communities.losing"])) == ["Beta"]
    # Alpha's animator (c2) posted there yesterday; Beta's owner did nothing; Gamma's owner neither.
    assert list(by_name(tables["communities.unanimated"])) == ["Beta", "Gamma"]
    assert (data.listed, data.alive) == (3, 2)


def test_members_before_the_facts_began_are_unknown_not_zero(make_community, crowd, analyst):
    from ruche.communities.models import Community as Model

    old = make_community("Delta", owner=crowd[0])
    Model.objects.filter(pk=old.pk).update(created=at(ago(400)))
    members(old, end=12)  # no fact at the start: the analytics began later
    new = make_community("Epsilon", owner=crowd[1])
    Model.objects.filter(pk=new.pk).update(created=at(ago(3)))
    members(new, end=7)
    data = communities(ask(analyst))
    rows = by_name(data.tables[1])
    assert rows["Delta"][2:] == [None, 12, None]
    assert rows["Epsilon"][2:] == [0, 7, 7]  # created during the period
    assert data.losing == []


def test_a_filter_counts_its_people_only_in_communities(places, analyst, rnd):
    rows = by_name(communities(ask(analyst, department=rnd)).tables[0])
    assert rows["Alpha"][:2] == [HIDDEN, HIDDEN]  # c2–c4 of R&D: three people
    assert rows["Alpha"][2:] == [10, 12, 2]  # members: the whole company's, whatever the filter


def test_a_secret_community_is_shown_to_its_members_and_admins_only(places, analyst, admin, crowd, client):
    everything = [table.rows for table in communities(ask(analyst)).tables]
    assert "Secret" not in str(everything)
    admin_rows = by_name(communities(ask(admin)).tables[0])
    assert admin_rows["Secret"] == [6, 12, 9, 5, -4]
    member = crowd[0]
    member.is_analyst = True
    member.save(update_fields=["is_analyst"])
    assert "Secret" in by_name(communities(ask(member)).tables[0])
    client.force_login(analyst)
    page = client.get(f"/analytics/?{LAST_WEEK}").content.decode()
    assert "Alpha" in page and "Secret" not in page


# Questions and answers -----------------------------------------------------------------------------


def question(author, created, answered_after=None, *, accepted=False, community=None, **post):
    asked = Post.objects.create(author=author, body="?", body_html="?", created=created, **post)
    first = created + datetime.timedelta(hours=answered_after) if answered_after is not None else None
    Question.objects.create(post=asked, first_answer_at=first)
    if accepted:
        answer = Post.objects.create(author=author, parent=asked, body="!", body_html="!", created=first)
        Question.objects.filter(pk=asked.pk).update(accepted_answer=answer, accepted_at=first)
    if community is not None:
        Placement.objects.create(post=asked, community=community)
    return asked


@pytest.fixture
def asked(crowd, places):
    """In the period: q1–q5 by c1–c5, answered after 2, 4, 6, 8 and 10 hours (q1's answer accepted);
    q6 (c6, in Alpha) and q8 (c2, in no community) unanswered; q7 (c7, in Secret) unanswered; a
    question deleted, one hidden. Before: one, answered."""
    c = crowd
    for n, hours in enumerate((2, 4, 6, 8, 10)):
        question(c[n], at(ago(n + 1)), hours, accepted=n == 0)
    question(c[5], at(ago(2)), community=places["alpha"])
    question(c[6], at(ago(3)), community=places["secret"])
    question(c[1], at(ago(4)))
    question(c[7], at(ago(3)), deleted_at=timezone.now())
    question(c[7], at(ago(3)), hidden_at=timezone.now())
    question(c[0], at(ago(9)), 1)
    # answered after the period's end: unanswered at its end
    question(c[3], at(ago(10)), 24 * 5)


def test_questions_counted_by_hand(asked, analyst, settings):
    settings.ANALYTICS_MIN_GROUP = 1  # every figure shown, to be counted
    data = questions(ask(analyst))
    assert (data.asked, data.answered, data.resolved) == (8, 5, 1)
    assert (data.asked_before, data.answered_before) == (2, 1)
    assert data.median_hours == 6.0
    assert data.answered_share == 62.5
    assert data.by_community == [
        ["Alpha", 1, 1, 100.0],
        ["No community", 6, 1, round(100 / 6, 1)],
    ]  # Secret's question: counted above, never named to whoever cannot see Secret


def test_an_administrator_sees_the_secret_communitys_questions(asked, admin, settings):
    settings.ANALYTICS_MIN_GROUP = 1
    assert [row[0] for row in questions(ask(admin)).by_community] == ["Alpha", "No community", "Secret"]


def test_questions_of_few_people_are_hidden(asked, analyst, rnd):
    data = questions(ask(analyst))
    assert data.asked == 8 and data.median_hours == 6.0  # seven people asked
    assert data.asked_before is HIDDEN and data.answered_before is HIDDEN  # two people
    assert data.by_community == [
        ["Alpha", HIDDEN, HIDDEN, None],
        ["No community", 6, HIDDEN, None],  # a share would give the hidden figure away
    ]
    in_rnd = questions(ask(analyst, department=rnd))  # c1–c4 asked q1–q4 and q8: four people
    assert (in_rnd.asked, in_rnd.answered, in_rnd.median_hours) == (HIDDEN, HIDDEN, None)


def test_fewer_than_five_answered_questions_have_no_median(asked, analyst):
    Question.objects.filter(first_answer_at__isnull=False).order_by("pk").first().delete()
    assert questions(ask(analyst)).median_hours is None


# Searches ------------------------------------------------------------------------------------------


@pytest.fixture
def searched(db):
    rows = [
        (TODAY, "conges", 9, 0),
        (ago(1), "conges", 3, 1),
        (ago(2), "badge parking", 5, 5),
        (ago(3), "cantine", 4, 0),
        (ago(6), "note de frais", 2, 2),
        (ago(7), "before the period", 50, 50),
    ]
    SearchDay.objects.bulk_create(SearchDay(day=d, query=q, searches=n, empty=e) for d, q, n, e in rows)


def test_searches_counted_by_hand(searched, analyst, settings):
    data = searches(ask(analyst))
    assert (data.searches, data.empty) == (23, 8)
    assert data.frequent == [
        ["conges", 12, 1],
        ["badge parking", 5, 5],
        ["cantine", 4, 0],
        ["note de frais", 2, 2],
    ]
    assert data.fruitless == [["badge parking", 5, 5], ["note de frais", 2, 2], ["conges", 1, 12]]
    settings.ANALYTICS_MIN_GROUP = 50  # searches are not about people: nothing to hide
    assert searches(ask(analyst)).frequent[0] == ["conges", 12, 1]


def test_only_their_readers_get_the_search_texts(searched, client, alice, analyst):
    built = sections.build(sections.COMPANY, ask(alice))
    assert "searches" not in [part.section.key for part in built]
    client.force_login(alice)
    assert client.get("/analytics/export/searches.frequent.csv").status_code == 403
    client.force_login(analyst)
    response = client.get(f"/analytics/export/searches.fruitless.csv?{LAST_WEEK}")
    assert response.status_code == 200
    assert "badge parking" in b"".join(response.streaming_content).decode()


# Announcements' reach ------------------------------------------------------------------------------


def announce(author, created, audience, *, requires_ack=False, **fields):
    item = Announcement.objects.create(
        author=author,
        title=fields.pop("title"),
        body="b",
        body_html="b",
        created=created,
        requires_ack=requires_ack,
    )
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    for person, (opened, confirmed) in audience.items():
        Receipt.objects.create(
            announcement=item,
            user=person,
            opened_at=created if opened else None,
            acknowledged_at=created if confirmed else None,
        )
    return item


@pytest.fixture
def announced(crowd, admin, places, rnd):
    everyone = {p: (n < 6, n < 5) for n, p in enumerate(crowd)}  # 8 recipients, 6 opened, 5 confirmed
    announce(admin, at(ago(1)), everyone, requires_ack=True, title="New canteen", everyone=True)
    rnd_only = announce(admin, at(ago(2)), {p: (True, False) for p in crowd[:4]}, title="R&D offsite")
    rnd_only.departments.set([rnd])
    to_secret = announce(admin, at(ago(3)), {p: (True, False) for p in crowd[:6]}, title="Secret plans")
    to_secret.communities.set([places["secret"]])
    announce(admin, at(ago(8)), everyone, title="Last week", everyone=True)


def test_announcements_reach_counted_by_hand(announced, analyst):
    rows = by_name(announcements(ask(analyst)).tables[0])
    assert rows == {
        "New canteen": [ago(1), 8, 6, 75.0, 5, 62.5],
        "R&D offsite": [ago(2), HIDDEN, HIDDEN, None, None, None],  # four recipients
    }  # "Secret plans" went to a secret community's members: not to the analyst's eyes


def test_an_announcement_to_a_community_is_listed_for_admins_and_recipients(announced, admin, crowd):
    assert "Secret plans" in by_name(announcements(ask(admin)).tables[0])
    recipient = crowd[0]
    recipient.is_analyst = True
    recipient.save(update_fields=["is_analyst"])
    assert "Secret plans" in by_name(announcements(ask(recipient)).tables[0])


def test_announcements_reach_the_filters_people(announced, analyst, rnd):
    rows = by_name(announcements(ask(analyst, department=rnd)).tables[0])
    assert rows["New canteen"][1:3] == [HIDDEN, HIDDEN]  # four recipients in R&D


# Idea campaigns ------------------------------------------------------------------------------------


@pytest.fixture
def ideas_period(make_campaign, crowd, rnd, sales, person, manager):
    """A campaign aimed at R&D (c1–c4, and two more: six people), open to comments by everyone; one
    for Sales only; a draft."""
    more = [person(f"r{n}", rnd) for n in range(2)]
    campaign = make_campaign(audience="everyone")
    aimed = [*crowd[:4], *more]
    found = [
        ideas.idea_submit(campaign=campaign, author=p, title=f"Idea {n}", description="d")
        for n, p in enumerate(aimed[:3])
    ]
    ideas.idea_vote(idea=found[0], user=aimed[3])
    ideas.idea_vote(idea=found[0], user=aimed[4])
    ideas.idea_vote(idea=found[1], user=aimed[0])
    Post.objects.create(author=crowd[6], parent=found[0].post, campaign=campaign, body="c", body_html="c")
    sales_only = make_campaign(title="Sales only", departments=[sales])
    draft = make_campaign(title="Draft", open=False)
    return campaign, sales_only, draft


def test_campaigns_counted_by_hand(ideas_period, admin, settings):
    settings.ANALYTICS_MIN_GROUP = 1
    today = timezone.localdate()
    data = campaigns(ask(admin, days=28, today=today))
    rows = by_name(data.tables[0])
    # Ideas by three people, votes by three (one of them a submitter), a comment by c7: six people.
    assert rows["Réduire nos déchets"][:3] == [3, 3, 6]
    everyone = rows["Réduire nos déchets"][3]
    assert everyone >= 10 and rows["Réduire nos déchets"][4] == round(100 * 6 / everyone, 1)
    assert rows["Sales only"] == [0, 0, 0, 1, 0.0]  # its audience: Rita, the reviewer, of Sales
    assert "Draft" not in rows  # never open


def test_a_campaign_is_listed_for_those_who_may_see_it_only(ideas_period, analyst):
    rows = by_name(campaigns(ask(analyst, days=28, today=timezone.localdate())).tables[0])
    assert list(rows) == ["Réduire nos déchets"]  # open to every colleague; not "Sales only"
    assert rows["Réduire nos déchets"][:3] == [HIDDEN, HIDDEN, 6]  # three submitters, three voters


def test_campaigns_filter_and_audience_of_a_department(ideas_period, analyst, rnd, settings):
    settings.ANALYTICS_MIN_GROUP = 1
    campaign = ideas_period[0]
    Post.objects.filter(campaign=campaign, parent__isnull=False).delete()
    ideas.campaign_update(
        campaign=campaign,
        by=campaign.created_by,
        title=campaign.title,
        brief=campaign.brief,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        departments=[rnd],
        managers=[campaign.created_by],
    )
    analyst.profile.department = rnd
    analyst.profile.save()
    rows = by_name(campaigns(ask(analyst, days=28, today=timezone.localdate(), department=rnd)).tables[0])
    # R&D: c1–c4, r0, r1, and the analyst: seven people; five of them took part.
    assert rows["Réduire nos déchets"] == [3, 3, 5, 7, round(100 * 5 / 7, 1)]


# The page, the CSV, the queries --------------------------------------------------------------------

CONTENT_TABLES = (
    "communities.most_alive",
    "communities.least_alive",
    "communities.losing",
    "communities.unanimated",
    "questions.summary",
    "questions.unanswered",
    "searches.frequent",
    "searches.fruitless",
    "announcements.reach",
    "campaigns.participation",
)


def test_the_dashboard_shows_the_content_sections(client, admin, places, asked, searched, announced):
    client.force_login(admin)
    page = client.get("/analytics/?period=28")
    assert page.status_code == 200
    html = page.content.decode()
    for key in CONTENT_TABLES:
        assert f'data-table="{key}"' in html
        assert f"/analytics/export/{key}.csv?period=28" in html
    for section in ("communities", "questions", "searches", "announcements", "campaigns"):
        assert f'id="{section}"' in html


def test_a_community_table_as_csv(client, analyst, places):
    client.force_login(analyst)
    response = client.get(f"/analytics/export/communities.most_alive.csv?{LAST_WEEK}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows == [
        [
            "Community",
            "Active people",
            "Posts and replies",
            "Members at the start",
            "Members at the end",
            "Change in members",
        ],
        ["Alpha", "6", "18", "10", "12", "2"],
        ["Beta", "<5", "<5", "8", "6", "-2"],
    ]


def grow(times: int, crowd, make_community, make_campaign, today: datetime.date):
    """`times` more of everything each section reads, during the week before `today`."""
    yesterday = today - datetime.timedelta(days=1)
    for n in range(times):
        community = make_community(f"More {n}", owner=crowd[n % len(crowd)])
        did(community, crowd, yesterday)
        CommunityDay.objects.create(community=community, day=today - datetime.timedelta(days=28), members=6)
        question(crowd[n % 8], at(yesterday), 3, accepted=True, community=community)
        question(crowd[n % 8], at(yesterday))
        SearchDay.objects.create(day=yesterday, query=f"query {n}", searches=n + 1, empty=n % 2)
        announce(crowd[0], at(yesterday), {p: (True, True) for p in crowd}, title=f"News {n}", everyone=True)
        make_campaign(title=f"Campaign {n}", audience="everyone")


@pytest.mark.parametrize("times", [1, 6])
def test_each_section_asks_a_fixed_number_of_queries(
    times, crowd, admin, make_community, make_campaign, django_assert_max_num_queries
):
    today = timezone.localdate()
    grow(times, crowd, make_community, make_campaign, today)
    limits = {communities: 4, questions: 4, searches: 3, announcements: 1, campaigns: 5}
    for build, limit in limits.items():
        with django_assert_max_num_queries(limit):
            build(ask(admin, days=28, today=today))


def test_a_content_table_through_the_api(api_as, analyst, alice, asked):
    week = {"period": "custom", "start": str(ago(6)), "end": str(TODAY)}
    answer = api_as(analyst).get("/analytics/tables/questions.unanswered", **week)
    assert answer.status_code == 200
    rows = answer.json()["rows"]
    assert rows == [
        {"community": "Alpha", "asked": None, "unanswered": None, "share": None},  # hidden: null
        {"community": "No community", "asked": 6, "unanswered": None, "share": None},
    ]
    assert api_as(alice).get("/analytics/tables/searches.frequent").status_code == 403


def test_a_chart_of_hidden_bars_only_is_left_out(asked, places, analyst):
    data = questions(ask(analyst))
    assert data.by_community and not data.charted  # every unanswered count is hidden
    assert communities(ask(analyst)).charted  # Alpha's six people


def test_the_least_alive_are_the_ten_quietest_by_name(places, analyst, make_community, crowd):
    for n in range(11):
        make_community(f"Quiet {n:02}", owner=crowd[n % 8])
    did(places["gamma"], crowd[:1], ago(1), reactions=1)  # one reaction: no longer the quietest
    least = [row[0] for row in communities(ask(analyst)).tables[1].rows]
    assert least == [f"Quiet {n:02}" for n in range(10)]


def test_each_community_leads_to_its_figures(places, analyst, client):
    client.force_login(analyst)
    page = client.get("/analytics/").content.decode()
    assert f'<a href="/analytics/communities/{places["alpha"].slug}/">Alpha</a>' in page
