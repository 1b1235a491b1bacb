"""The digest: what goes in (relevance, visibility, what one already knows), once per period, and
how it is sent (a real SMTP server), scheduled and unsubscribed from."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ruche.communities.models import Community
from ruche.notifications.digest import digests_build, period
from ruche.notifications.mail import emails_send_due
from ruche.notifications.models import DigestPreference, Email
from ruche.notifications.services import community_level_set, digest_frequency_set, thread_mute
from ruche.posts.models import Post
from ruche.posts.services import post_create, reaction_set
from ruche.qa.services import answer_vote, question_ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(alice, bruno, make_user, make_community, side_effects):
    """Alice belongs to a club and to a private project; Chloé only to the club."""
    chloe, david, emma = (make_user(n, "Test") for n in ("Chloé", "David", "Emma"))
    club = make_community("Club photo", members=[alice, bruno, chloe, david, emma])
    project = make_community("Projet X", visibility=Community.Visibility.PRIVATE, members=[alice, bruno])
    quiet = make_community("Bavardages", members=[alice, bruno])
    with side_effects():
        top = post_create(author=bruno, body="Le plus aimé", communities=[club])
        for person in (chloe, david, emma):
            reaction_set(post=top, user=person, kind="like")
        discussed = post_create(author=chloe, body="Le plus discuté", communities=[club])
        post_create(author=david, body="Je réponds", parent=discussed)
        plain = post_create(author=david, body="Un post tranquille", communities=[club])
        secret = post_create(author=bruno, body="Chiffres confidentiels", communities=[project])
        own = post_create(author=alice, body="Mon propre post", communities=[club])
        liked = post_create(author=emma, body="Déjà aimé par Alice", communities=[club])
        reaction_set(post=liked, user=alice, kind="like")
        muted = post_create(author=bruno, body="Dans une communauté muette", communities=[quiet])
        question = question_ask(author=alice, body="Qui connaît Django ?", communities=[club])
        answer = post_create(author=bruno, body="Moi, je connais Django", parent=question)
    community_level_set(user=alice, community=quiet, level="mute")
    # Everything happened in the last days; one post is older than the week.
    old = post_create(author=bruno, body="Il y a longtemps", communities=[club])
    Post.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=9))
    return locals()


def _digest_of(smtp, person):
    [message] = smtp.to(person.email)
    return message, *smtp.parts(message)


def test_the_weekly_digest_picks_what_matters_and_what_one_may_see(smtp, company, alice):
    counts = digests_build(frequency="weekly")
    assert counts["queued"] >= 2
    emails_send_due()
    message, text, html = _digest_of(smtp, alice)
    assert message["Subject"].startswith("Your weekly digest:")
    assert "Top posts in your communities" in text and "New answers to questions you follow" in text
    # Ranked by reactions and replies: the most discussed and the most liked come first.
    assert text.index("Le plus discuté") < text.index("Un post tranquille")
    assert text.index("Le plus aimé") < text.index("Un post tranquille")
    assert "Chiffres confidentiels" in text  # her private project
    assert "Moi, je connais Django" in text  # an answer to her question
    for left_out in (
        "Mon propre post",
        "Déjà aimé par Alice",
        "Dans une communauté muette",
        "Il y a longtemps",
    ):
        assert left_out not in text and left_out not in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://ruche.example.com/posts/" in html


def test_an_outsider_never_sees_private_posts(smtp, company, make_user):
    chloe = company["chloe"]
    digests_build(frequency="weekly")
    emails_send_due()
    _message, text, html = _digest_of(smtp, chloe)
    assert "Un post tranquille" in text and "Qui connaît Django" in text
    assert "Le plus aimé" not in text  # she reacted to it: she has seen it
    assert "Chiffres confidentiels" not in text + html


def test_answers_for_those_who_took_part_follow_the_rules_too(smtp, company, make_user, side_effects):
    """David voted on an answer of a question in a private community he has since left."""
    david = company["david"]
    answer_vote(user=david, answer=company["answer"])
    digests_build(frequency="weekly")
    emails_send_due()
    assert "Moi, je connais Django" in _digest_of(smtp, david)[1]
    # The same, in a private community he is not in: left out.
    Email.objects.all().delete()
    smtp.messages.clear()
    project = company["project"]
    with side_effects():
        question = question_ask(author=company["bruno"], body="Question privée ?", communities=[project])
        post_create(author=company["alice"], body="Réponse privée", parent=question)
    Post.objects.filter(parent=question).update(author=company["alice"])
    from ruche.qa.models import AnswerVote

    AnswerVote.objects.create(answer=Post.objects.get(parent=question), user=david)
    digests_build(frequency="weekly")
    emails_send_due()
    assert "Réponse privée" not in _digest_of(smtp, david)[1]


def test_a_muted_thread_and_read_notifications_are_left_out(smtp, company, alice):
    from ruche.notifications.models import Notification

    thread_mute(user=alice, post=company["top"])
    Notification.objects.filter(recipient=alice).update(read_at=timezone.now())  # she read the answer
    digests_build(frequency="weekly")
    emails_send_due()
    text = _digest_of(smtp, alice)[1]
    assert "Le plus aimé" not in text and "Moi, je connais Django" not in text
    assert "Le plus discuté" in text


def test_once_per_period_whatever_happens(smtp, company, alice):
    first = digests_build(frequency="weekly")
    again = digests_build(frequency="weekly")
    assert again == {"queued": 0, "empty": 0}
    key, _since = period("weekly", timezone.now())
    assert Email.objects.filter(recipient=alice, key=key).count() == 1
    emails_send_due()
    emails_send_due()
    assert len(smtp.to(alice.email)) == 1
    assert first["queued"] + first["empty"] == Email.objects.filter(key=key).count()


def test_nothing_new_means_no_digest(smtp, make_user):
    lonely = make_user("Léa", "Seule")
    assert digests_build(frequency="weekly") == {"queued": 0, "empty": 1}
    emails_send_due()
    assert smtp.to(lonely.email) == []


def test_each_person_their_frequency(smtp, company, alice, bruno):
    digest_frequency_set(user=alice, frequency="daily")
    digest_frequency_set(user=bruno, frequency="off")
    digests_build(frequency="weekly")
    emails_send_due()
    assert smtp.to(alice.email) == [] and smtp.to(bruno.email) == []
    digests_build(frequency="daily")
    emails_send_due()
    message = smtp.to(alice.email)[0]
    assert message["Subject"].startswith("Your daily digest:") and smtp.to(bruno.email) == []


def test_unsubscribing_from_the_digest_turns_it_off(smtp, client, company, alice):
    from urllib.parse import urlsplit

    digests_build(frequency="weekly")
    emails_send_due()
    url = urlsplit(smtp.to(alice.email)[0]["List-Unsubscribe"].strip("<>")).path
    assert "Stop e-mails for “The digest”?" in client.get(url).content.decode()
    client.post(url)
    assert DigestPreference.objects.get(user=alice).frequency == "off"


def test_the_scheduler_enqueues_at_the_hour_once(smtp, settings, company, alice):
    from ruche.notifications.scheduler import Scheduler

    local = timezone.localtime()
    settings.DIGEST_HOUR = local.hour
    settings.DIGEST_WEEKDAY = local.weekday()
    settings.DIGESTS_SCHEDULED = False  # no mail server (a laptop): the sweep only
    assert Scheduler().tick() == ["emails"] and smtp.messages == []
    settings.DIGESTS_SCHEDULED = True
    scheduler = Scheduler()
    done = scheduler.tick()
    assert "emails" in done and any(d.startswith("digest:w:") for d in done)
    assert any(d.startswith("digest:d:") for d in done)
    assert len(smtp.to(alice.email)) == 1  # the tasks ran (immediately in tests) and sent it
    assert scheduler.tick() == []  # within the minute, same period: nothing again
    later = Scheduler().tick()  # a restarted server enqueues again: idempotent, nothing sent twice
    assert any(d.startswith("digest:") for d in later) and len(smtp.to(alice.email)) == 1


def test_send_digests_command(smtp, company, alice):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_digests", "--frequency", "weekly", stdout=out)
    assert "digests queued" in out.getvalue() and len(smtp.to(alice.email)) == 1


def test_the_weekly_digest_is_due_from_its_day_to_the_end_of_the_week(settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ruche.notifications.digest import frequencies_due

    settings.DIGEST_WEEKDAY = 2  # Wednesday
    paris = ZoneInfo("Europe/Paris")
    assert frequencies_due(datetime(2026, 11, 23, 8, tzinfo=paris)) == ["daily"]  # Monday
    assert frequencies_due(datetime(2026, 11, 25, 8, tzinfo=paris)) == ["daily", "weekly"]
    assert frequencies_due(datetime(2026, 11, 29, 8, tzinfo=paris)) == ["daily", "weekly"]  # Sunday
    # Both days fall in the same ISO week: one key, one digest.
    assert period("weekly", datetime(2026, 11, 25, 8, tzinfo=paris))[0] == "digest:w:2026-W48"
    assert period("weekly", datetime(2026, 11, 29, 8, tzinfo=paris))[0] == "digest:w:2026-W48"


def test_unread_notifications_of_the_week_by_kind_choice(smtp, alice, bruno, side_effects):
    from ruche.accounts.services import user_follow
    from ruche.notifications.services import preference_set

    with side_effects():
        user_follow(follower=bruno, followed=alice)  # follows are not in the digest by default
        post = post_create(author=alice, body="Mon annonce")
        post_create(author=bruno, body="Je réponds", parent=post)
    preference_set(user=alice, kind="reply", channel="email", enabled=False)  # so it stays for the digest
    digests_build(frequency="weekly")
    emails_send_due()
    text = _digest_of(smtp, alice)[1]
    assert "Notifications you have not read" in text and "Bruno Lefèvre replied to your post" in text
    assert "now follows you" not in text
    # Turned off for the digest: a later week's digest leaves it out (nothing else to say: none).
    from ruche.notifications.models import Notification

    preference_set(user=alice, kind="reply", channel="digest", enabled=False)
    smtp.messages.clear()
    next_week = timezone.now() + timedelta(days=8)
    Notification.objects.filter(recipient=alice).update(created=next_week - timedelta(days=1))
    assert digests_build(frequency="weekly", now=next_week) == {"queued": 0, "empty": 2}
    emails_send_due(now=next_week)
    assert smtp.to(alice.email) == []


def _busy_colleagues(make_user, make_community, count: int, start: int):
    """`count` colleagues of a private community, each with a reply to their post (an unread
    notification) and an answer of theirs to a question that got another answer since (an answer
    to follow, whose question the policies check again)."""
    people = [make_user(f"P{start + i}", "Busy") for i in range(count)]
    team = make_community(f"Équipe {start}", visibility=Community.Visibility.PRIVATE, members=people)
    asker = people[0]
    question = question_ask(author=asker, body="Qui sait ?", communities=[team])
    for person in people:
        mine = post_create(author=person, body="Mon post", communities=[team])
        post_create(author=asker if person != asker else people[-1], body="Réponse", parent=mine)
        post_create(author=person, body="Je sais", parent=question)
    return people


def test_the_digest_costs_the_same_queries_whatever_the_number_of_people(
    make_user, make_community, side_effects
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int, start: int) -> int:
        with side_effects():
            _busy_colleagues(make_user, make_community, count, start)
        Email.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            counts = digests_build(frequency="weekly", batch_size=1000)
        assert counts["queued"] >= count
        return len(captured)

    few = queries_for(3, 0)
    many = queries_for(12, 100)  # the first three again, and twelve more
    assert many == few, "the digest runs a query per person again"
