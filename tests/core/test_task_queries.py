"""Tasks that tell many people write in bulk: their queries do not grow with the number of
recipients (a notice to a whole population, many mentions, a busy conversation, an announcement).
Each scenario is run for a few people, then for many: the second may not cost one query more, and
both stay under a ceiling pinned here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruche.accounts.models import Department
from ruche.announcements import services as announcements
from ruche.announcements import tasks as announcement_tasks
from ruche.feed import tasks as feed_tasks
from ruche.feed.models import FeedEntry
from ruche.ideas import services as ideas
from ruche.ideas import tasks as idea_tasks
from ruche.ideas.models import Target
from ruche.notifications import tasks as notification_tasks
from ruche.notifications.models import Email, Notification
from ruche.posts import services as posts
from ruche.qa import services as qa
from ruche.qa import tasks as qa_tasks
from tests.fixtures.ideas import stage

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 25


def _people(make_user, tag: str, n: int) -> list:
    return [make_user(f"{tag}{i}", "Crowd") for i in range(n)]


def mentions(w, n):
    """A post mentioning n people: n notifications, n e-mails queued."""
    alice = w.make_user("Alice", f"M{n}")
    post = posts.post_create(author=alice, body="Bonjour à tous")
    crowd = _people(w.make_user, f"m{n}x", n)
    return notification_tasks.notify_new_post, {"post_id": post.pk, "mentioned_ids": [u.pk for u in crowd]}


def conversation(w, n):
    """A reply in a conversation n people took part in: one reply, n "in your conversation"."""
    alice, bruno = w.make_user("Alice", f"C{n}"), w.make_user("Bruno", f"C{n}")
    question = posts.post_create(author=alice, body="Question ?")
    for someone in _people(w.make_user, f"c{n}x", n):
        posts.post_create(author=someone, body="Moi aussi", parent=question)
    reply = posts.post_create(author=bruno, body="Réponse", parent=question)
    return notification_tasks.notify_new_post, {"post_id": reply.pk, "mentioned_ids": []}


def experts(w, n):
    alice = w.make_user("Alice", f"E{n}")
    question = qa.question_ask(author=alice, body="Comment régler la presse ?")
    crowd = _people(w.make_user, f"e{n}x", n)
    return qa_tasks.notify_experts, {"question_id": question.pk, "expert_ids": [u.pk for u in crowd]}


def campaign_population(w, n):
    """A campaign opened to a department of n people."""
    department = Department.objects.create(name=f"Crowd {n}")
    for someone in _people(w.make_user, f"p{n}x", n):
        someone.profile.department = department
        someone.profile.save()
    draft = w.make_campaign(open=False, title=f"Défi {n}", departments=[department])
    Target.objects.filter(campaign=draft).exclude(department=department).delete()
    ideas.campaign_open(campaign=draft, by=w.manager)
    return idea_tasks.notify_campaign_opened, {"campaign_id": draft.pk, "actor_id": w.manager.pk}


def idea_followers(w, n):
    """An idea followed by n people moves: n notifications, n e-mails queued."""
    idea = ideas.idea_submit(campaign=w.campaign, author=w.author, title=f"Idée {n}", description="Un bac.")
    for i in range(n):  # in the campaign's audience (its department)
        ideas.idea_follow(idea=idea, user=w.person(f"f{n}x{i}", w.rnd))
    record = ideas.idea_move(idea=idea, stage=stage(idea.campaign, "Shortlisted"), by=w.manager)
    return idea_tasks.notify_idea_moved, {"transition_id": record.pk}


def announcement(w, n):
    """An announcement to a community of n members (one batch): n notifications, n e-mails."""
    announcer = w.make_user("Claire", f"A{n}", is_announcer=True)
    group = w.make_community(f"Annonces {n}", owner=announcer, members=_people(w.make_user, f"a{n}x", n))
    a = announcements.announcement_publish(
        author=announcer, title="Cantine", body="Lundi", communities=[group]
    )
    return announcement_tasks.deliver_announcement, {"announcement_id": a.pk}


def fan_out_mentions(w, n):
    """A post mentioning n people reaches their home feeds (who may read it: one check for all)."""
    alice = w.make_user("Alice", f"F{n}")
    post = posts.post_create(author=alice, body="Bonjour à tous")
    post.mentions.set(_people(w.make_user, f"o{n}x", n))
    return feed_tasks.fan_out_post, {"post_id": post.pk}


# Ceilings: what one run of the scenario costs (for any number of people).
SCENARIOS = {
    mentions: 25,
    conversation: 40,  # PostgreSQL: 36 (the coalesced e-mail sweep looks for its waiting row)
    experts: 25,
    campaign_population: 25,
    idea_followers: 30,
    announcement: 30,
    fan_out_mentions: 20,
}


class World:
    def __init__(self, request):
        self.request = request

    def __getattr__(self, fixture):
        return self.request.getfixturevalue(fixture)


def _run(task, kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        task.call(**kwargs)
    return len(queries.captured_queries)


def _written() -> tuple[int, int, int]:
    return Notification.objects.count(), Email.objects.count(), FeedEntry.objects.count()


@pytest.mark.parametrize("scenario", list(SCENARIOS), ids=lambda s: s.__name__)
def test_the_queries_of_a_task_do_not_grow_with_its_recipients(
    scenario, request, django_assert_max_num_queries
):
    w = World(request)
    few = _run(*scenario(w, FEW))
    task, kwargs = scenario(w, MANY)
    before = _written()
    with django_assert_max_num_queries(min(few, SCENARIOS[scenario])):
        task.call(**kwargs)
    grown = [after - then for after, then in zip(_written(), before, strict=True)]
    assert max(grown) >= MANY, "the scenario does not tell many people"
