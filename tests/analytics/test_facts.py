"""The daily facts recomputed from the source tables, against a day counted by hand; the backfill
and the periodic job agree; old facts are swept after the retention period."""

import datetime

import pytest
from django.utils import timezone

from ruche.analytics import services
from ruche.analytics.models import CommunityDay, CommunityPersonDay, PersonDay, SearchDay
from ruche.analytics.selectors import my_activity
from ruche.analytics.services import day_bounds, facts_backfill, facts_compute, facts_refresh, facts_sweep
from ruche.analytics.tasks import analytics_refresh
from ruche.ideas import services as ideas
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_share, reaction_set
from ruche.qa.services import answer_accept, answer_vote, question_ask

pytestmark = pytest.mark.django_db

PERSON_FIGURES = ("posts", "replies", "reactions", "shares", "answers", "accepted_answers", "ideas", "votes")
COMMUNITY_FIGURES = ("posts", "replies", "reactions", "shares", "answers", "votes")
COMMUNITY_FIGURES += ("active_people", "active_members", "members")


def person_days(day) -> dict[str, dict[str, int]]:
    """first name -> the figures that are not zero."""
    rows = PersonDay.objects.filter(day=day).select_related("user")
    return {
        row.user.first_name: {f: getattr(row, f) for f in PERSON_FIGURES if getattr(row, f)} for row in rows
    }


def everything() -> dict[str, list[dict]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (PersonDay, CommunityPersonDay, CommunityDay, SearchDay)
    }


def at(day, hour, minute=0) -> datetime.datetime:
    return day_bounds(day)[0] + datetime.timedelta(hours=hour, minutes=minute)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - datetime.timedelta(days=1)


@pytest.fixture
def world(person, make_community, rnd, sales, make_campaign, author, voter, side_effects, yesterday):
    """A day counted by hand: two departments, one community (Alice owns it, Bruno and Chloé are
    members, David is not), a question answered twice and accepted, votes, reactions, a share, an
    idea; and a post of David's at 23:59 yesterday, which belongs to yesterday."""
    alice, bruno = person("Alice", rnd), person("Bruno", rnd)
    chloe, david = person("Chloe", sales), person("David", sales)
    soudure = make_community("Soudure", owner=alice, members=[bruno, chloe])
    with side_effects():
        campaign = make_campaign()
        idea = ideas.idea_submit(
            campaign=campaign, author=author, title="Trier", description="Un bac par métal."
        )
        ideas.idea_vote(idea=idea, user=voter)
        p1 = post_create(author=alice, body="Nouveau poste de soudure", communities=[soudure])
        p2 = post_create(author=bruno, body="Hors communauté")
        question = question_ask(author=chloe, body="Quel gaz pour l'inox ?", communities=[soudure])
        reply = post_create(author=bruno, body="Bravo", parent=p1)
        answer_a = post_create(author=alice, body="Argon", parent=question)
        answer_d = post_create(author=david, body="Argon + CO2", parent=question)
        post_create(author=chloe, body="Merci à vous deux", parent=question)  # the asker's own: a reply
        answer_accept(by=chloe, answer=answer_a)
        answer_vote(user=bruno, answer=answer_a)
        answer_vote(user=chloe, answer=answer_d)
        reaction_set(post=p1, user=bruno, kind="like")
        reaction_set(post=p1, user=david, kind="like")
        reaction_set(post=reply, user=alice, kind="like")  # a reply in the community's thread
        reaction_set(post=p2, user=chloe, kind="like")
        post_share(author=chloe, original=p1, body="À lire", communities=[soudure])
        late = post_create(author=david, body="Hier soir")
    Post.objects.filter(pk=late.pk).update(created=at(yesterday, 23, 59))
    return {"soudure": soudure, "campaign": campaign, "alice": alice, "david": david}


def test_a_day_counted_by_hand(world, today, yesterday):
    assert facts_compute(day=today) == 6
    assert person_days(today) == {
        "Alice": {"posts": 1, "answers": 1, "accepted_answers": 1, "reactions": 1},
        "Bruno": {"posts": 1, "replies": 1, "reactions": 1, "votes": 1},
        "Chloe": {"posts": 1, "replies": 1, "reactions": 1, "shares": 1, "votes": 1},
        "David": {"answers": 1, "reactions": 1},
        "Rémi": {"ideas": 1},
        "Vera": {"votes": 1},
    }
    row = CommunityDay.objects.get(community=world["soudure"], day=today)
    assert {f: getattr(row, f) for f in COMMUNITY_FIGURES} == {
        "posts": 2,  # Alice's post, Chloé's question
        "replies": 2,  # Bruno's, Chloé's on her own question
        "reactions": 3,  # Bruno and David on Alice's post, Alice on Bruno's reply
        "shares": 1,  # Chloé's, of Alice's post, into the community
        "answers": 2,
        "votes": 2,
        "active_people": 4,
        "active_members": 3,  # David answered without being a member
        "members": 3,
    }
    per_member = {
        row.user.first_name: (row.posts, row.replies, row.reactions, row.shares, row.answers, row.votes)
        for row in CommunityPersonDay.objects.filter(day=today).select_related("user")
    }
    assert per_member == {
        "Alice": (1, 0, 1, 0, 1, 0),
        "Bruno": (0, 1, 1, 0, 0, 1),
        "Chloe": (1, 1, 0, 1, 0, 1),
        "David": (0, 0, 1, 0, 1, 0),
    }
    facts_compute(day=yesterday)
    assert person_days(yesterday) == {"David": {"posts": 1}}


def test_computing_a_day_again_changes_nothing_and_keeps_the_live_counts(world, today):
    facts_compute(day=today)
    PersonDay.objects.filter(user=world["alice"], day=today).update(visits=2, pages=7)
    once = everything()
    facts_compute(day=today)
    assert everything() == once


def test_what_was_deleted_since_leaves_the_figures(world, today):
    facts_compute(day=today)
    Post.objects.filter(author=world["david"], parent__isnull=False).delete()  # his answer, erased
    facts_compute(day=today)
    assert person_days(today)["David"] == {"reactions": 1}
    row = CommunityDay.objects.get(community=world["soudure"], day=today)
    assert (row.answers, row.votes, row.active_people, row.active_members) == (1, 1, 4, 3)


def test_the_backfill_and_the_periodic_job_agree(world, today, yesterday):
    analytics_refresh.call()  # the periodic job: yesterday and today
    live = everything()
    assert live["PersonDay"] and live["CommunityDay"]
    for model in (PersonDay, CommunityPersonDay, CommunityDay):
        model.objects.all().delete()
    assert facts_backfill(since=yesterday, today=today) == 2
    rebuilt = everything()
    ignore_ids = lambda rows: [{k: v for k, v in row.items() if k != "id"} for row in rows]  # noqa: E731
    assert {k: ignore_ids(v) for k, v in rebuilt.items()} == {k: ignore_ids(v) for k, v in live.items()}


def test_the_backfill_starts_at_the_first_activity_within_the_retention_period(world, today, settings):
    first = today - datetime.timedelta(days=40)
    Post.objects.filter(author=world["alice"]).update(created=at(first, 10))
    assert facts_backfill(today=today) == 41
    assert PersonDay.objects.filter(day=first, user=world["alice"], posts=1).exists()
    settings.ANALYTICS_RETENTION_MONTHS = 1
    assert facts_backfill(today=today) == (today - services.retention_start(today)).days + 1


def test_old_facts_are_swept_after_the_retention_period(alice, settings):
    settings.ANALYTICS_RETENTION_MONTHS = 25
    today = datetime.date(2026, 3, 31)
    assert services.retention_start(today) == datetime.date(2024, 2, 29)  # the month's last day
    kept, gone = datetime.date(2024, 2, 29), datetime.date(2024, 2, 28)
    for day in (kept, gone):
        PersonDay.objects.create(user=alice, day=day, visits=1)
        SearchDay.objects.create(day=day, query="soudure", searches=1)
    assert facts_sweep(today=today) == 2
    assert list(PersonDay.objects.values_list("day", flat=True)) == [kept]
    assert list(SearchDay.objects.values_list("day", flat=True)) == [kept]


def test_the_refresh_sweeps_too(alice, today, settings):
    PersonDay.objects.create(user=alice, day=today - datetime.timedelta(days=800), visits=1)
    facts_refresh(today=today)
    assert not PersonDay.objects.exists()


def test_a_person_sees_their_own_last_28_days(world, today):
    facts_compute(day=today)
    PersonDay.objects.filter(user=world["alice"], day=today).update(visits=2, pages=9)
    PersonDay.objects.create(user=world["alice"], day=today - datetime.timedelta(days=27), visits=1, pages=1)
    PersonDay.objects.create(user=world["alice"], day=today - datetime.timedelta(days=28), visits=5, pages=5)
    mine = my_activity(user=world["alice"], today=today)
    assert mine["active_days"] == 2
    figures = ("visits", "pages", "posts", "answers", "accepted_answers")
    assert [mine[f] for f in figures] == [3, 10, 1, 1, 1]
    assert my_activity(user=world["david"], today=today)["answers"] == 1


def test_the_backfill_command(world, today, yesterday):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("analytics_backfill", "--since", yesterday.isoformat(), stdout=out)
    assert out.getvalue().endswith("2 days of analytics computed.\n")
    assert person_days(yesterday) == {"David": {"posts": 1}}
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("analytics_backfill", "--since", "yesterday")
