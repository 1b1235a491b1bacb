"""The weekly summary e-mail: the previous week's figures counted by hand, sent through a real SMTP
server in each reader's language, once a week whoever runs it again, only to readers still allowed;
when it is due; the dashboard's toggle."""

import datetime

import pytest
from django.tasks.signals import task_enqueued

from ruche.accounts.models import User
from ruche.analytics import services, summary
from ruche.analytics.models import PersonDay, SearchDay, SummarySubscription
from ruche.analytics.services import day_bounds
from ruche.analytics.tasks import summaries_enqueue_when_due
from ruche.notifications.mail import emails_send_due

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 6, 15)
NOW = day_bounds(MONDAY)[0] + datetime.timedelta(hours=8)  # Monday, 8:00: the week of June 8 is due
WEEK = datetime.date(2026, 6, 8)


@pytest.fixture
def readers(make_user):
    """An analyst reading English and an administrator reading French, both subscribed."""
    ana = make_user("Ana", "Lyst", is_analyst=True)
    ada = make_user("Ada", "Admin", staff=True)
    User.objects.filter(pk=ada.pk).update(language="fr")
    for reader in (ana, ada):
        services.summary_subscription_set(user=reader, subscribed=True)
    return ana, ada


@pytest.fixture
def company(readers, make_user, settings):
    """Six colleagues and two invited who never came, all since May; the week of June 8: two
    posted, two reacted, two only visited; the week before, three visited. Searches that week."""
    settings.SITE_URL = "https://ruche.example.com"
    people = [make_user(f"c{n}", "Test") for n in range(6)]
    waiting = [make_user(f"w{n}", "Test").pk for n in range(2)]
    may = day_bounds(datetime.date(2026, 5, 1))[0]
    User.objects.update(date_joined=may, invited_at=may, activated_at=may)
    User.objects.filter(pk__in=waiting).update(activated_at=None)
    day = WEEK + datetime.timedelta(days=2)
    for person, figures in zip(
        people, ({"posts": 1}, {"posts": 2}, {"reactions": 1}, {"reactions": 3}, {}, {}), strict=True
    ):
        PersonDay.objects.create(user=person, day=day, visits=1, **figures)
    for person in people[:3]:
        PersonDay.objects.create(user=person, day=WEEK - datetime.timedelta(days=4), visits=1)
    for query, searches, empty, when in (
        ("plan parking", 4, 4, day),
        ("cantine", 3, 1, day),
        ("wifi", 2, 0, day),
        ("vieux", 5, 5, WEEK - datetime.timedelta(days=1)),  # the week before
    ):
        SearchDay.objects.create(day=when, query=query, searches=searches, empty=empty)
    return people


def _parts(smtp, person):
    [message] = smtp.to(person.email)
    return message, *smtp.parts(message)


def test_the_week_counted_by_hand_in_each_readers_language(smtp, company, readers, settings):
    settings.ANALYTICS_MIN_GROUP = 2
    ana, ada = readers
    assert services.summaries_send(now=NOW) == 2
    emails_send_due()
    message, text, html = _parts(smtp, ana)
    text = text.replace("\r\n", "\n")
    assert message["Subject"] == f"{settings.SITE_NAME}: the week of 8 Jun 2026 in figures"
    assert "The company's figures from 8 Jun 2026 to 14 Jun 2026" in text
    assert "Active people: 6 (the week before: 3)" in text
    assert "Activation rate: 80.0 % (the week before: 80.0 %)" in text  # 8 of 10 invited
    assert "Contributors (post, answer, submit ideas): 2" in text
    assert "Participants (react, reply, vote): 2" in text
    assert "Readers (visit only): 2" in text
    assert "- plan parking (4)\n- cantine (1)\n" in text and "wifi" not in text and "vieux" not in text
    assert (
        "https://ruche.example.com/analytics/" in text
        and 'href="https://ruche.example.com/analytics/"' in html
    )
    _message, french, _html = _parts(smtp, ada)
    assert (
        "Personnes actives\u00a0: 6 (la semaine précédente\u00a0: 3)" in french
        and "Active people" not in french
    )


def test_small_groups_stay_hidden_in_the_e_mail(smtp, company, readers):
    services.summaries_send(now=NOW)
    emails_send_due()
    _message, text, _html = _parts(smtp, readers[0])
    assert "Contributors (post, answer, submit ideas): fewer than 5" in text


def test_once_a_week_whoever_runs_it_again(smtp, company, readers):
    services.summaries_send(now=NOW)
    assert services.summaries_send(now=NOW + datetime.timedelta(days=2)) == 0  # a catch-up run
    emails_send_due()
    assert len(smtp.to(readers[0].email)) == 1
    assert set(SummarySubscription.objects.values_list("last_week", flat=True)) == {"2026-W25"}
    assert services.summaries_send(now=NOW + datetime.timedelta(days=7)) == 2  # the next week


def test_a_reader_who_lost_the_right_gets_nothing_more(smtp, company, readers):
    ana, ada = readers
    User.objects.filter(pk=ana.pk).update(is_analyst=False)
    assert services.summaries_send(now=NOW) == 1
    emails_send_due()
    assert smtp.to(ana.email) == [] and len(smtp.to(ada.email)) == 1
    assert not SummarySubscription.objects.filter(user=ana).exists()


def test_due_from_monday_at_the_digests_hour(settings):
    settings.DIGEST_HOUR = 7
    monday = day_bounds(MONDAY)[0]
    assert not summary.is_due(monday + datetime.timedelta(hours=6, minutes=59))
    assert summary.is_due(monday + datetime.timedelta(hours=7))
    assert summary.is_due(monday + datetime.timedelta(days=1, hours=1))  # a catch-up on Tuesday
    assert summary.previous_week(monday + datetime.timedelta(days=3)).start == WEEK


@pytest.fixture
def enqueued():
    names = []

    def record(sender, task_result, **kwargs):
        names.append(task_result.task.name)

    task_enqueued.connect(record)
    yield names
    task_enqueued.disconnect(record)


def test_the_periodic_job_enqueues_only_when_e_mails_go_out(settings, enqueued):
    settings.DIGESTS_SCHEDULED = False
    summaries_enqueue_when_due()
    assert enqueued == []
    settings.DIGESTS_SCHEDULED, settings.DIGEST_HOUR = True, 0
    summaries_enqueue_when_due()
    assert enqueued == ["analytics_summaries_send"]


# The toggle ---------------------------------------------------------------------------------------


def test_a_reader_starts_and_stops_the_weekly_e_mail(client, make_user):
    ana = make_user("Ana", "Lyst", is_analyst=True)
    client.force_login(ana)
    assert "E-mail me a summary every Monday" in client.get("/analytics/").content.decode()
    response = client.post("/analytics/summary/", {"subscribed": "1"})
    assert response.status_code == 302 and response["Location"] == "/analytics/#summary"
    subscription = SummarySubscription.objects.get(user=ana)
    assert subscription.last_week == summary.week_key(subscription.created)  # from next Monday
    assert "Stop the weekly e-mail" in client.get("/analytics/").content.decode()
    client.post("/analytics/summary/", {"subscribed": "0"})
    assert not SummarySubscription.objects.exists()


def test_the_toggle_refuses_colleagues_and_bad_input(client, alice, make_user):
    client.force_login(alice)
    assert client.post("/analytics/summary/", {"subscribed": "1"}).status_code == 403
    assert not SummarySubscription.objects.exists()
    ana = make_user("Ana", "Lyst", is_analyst=True)
    client.force_login(ana)
    response = client.post("/analytics/summary/", {"subscribed": "yes"})
    assert response.status_code == 400
    assert "Say whether to start or to stop the weekly e-mail." in response.content.decode()
    assert not SummarySubscription.objects.exists()
    assert client.get("/analytics/summary/").status_code == 405
    client.logout()
    assert client.post("/analytics/summary/", {"subscribed": "1"}).status_code == 302
    assert not SummarySubscription.objects.exists()
