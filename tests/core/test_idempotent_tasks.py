"""Tasks are delivered at least once: a task whose worker died runs again, a failed one is retried,
and two copies may run at the same time. Every task, run twice with the same arguments, leaves what
one run left: the same rows (notifications, e-mails, feed entries, receipts...), the same e-mails
sent, the same counters.

Each case arranges a world through the services and takes the arguments the service enqueues the
task with (nothing is run before the test runs it), so the keys the services choose are tested too.
The task is called directly (`Task.call`), as a worker's second attempt would run it.
`test_every_task_has_a_case` makes a new task without one fail.
"""

import datetime
import importlib
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.tasks import Task
from django.tasks.signals import task_enqueued
from django.utils import timezone

import ruche
from ruche.accounts.models import Department, Follow, Profile, User
from ruche.accounts.services import invitation_resend, user_follow, user_invite, user_unfollow
from ruche.accounts.tasks import send_invitation
from ruche.alerts import services as alerts
from ruche.alerts import tasks as alert_tasks
from ruche.analytics import services as analytics
from ruche.analytics import tasks as analytics_tasks
from ruche.analytics.models import (
    CommunityDay,
    CommunityPersonDay,
    PersonDay,
    PersonMonth,
    PersonWeek,
    SummarySubscription,
)
from ruche.announcements import services as announcements
from ruche.announcements import tasks as announcement_tasks
from ruche.announcements.models import Announcement, Receipt
from ruche.communities import services as communities
from ruche.communities import tasks as community_tasks
from ruche.communities.models import AutoMembershipRule, Community, CommunityStats, Membership
from ruche.feed import tasks as feed_tasks
from ruche.feed.models import FeedEntry
from ruche.files import services as files
from ruche.files import tasks as file_tasks
from ruche.files.models import Attachment
from ruche.ideas import services as ideas
from ruche.ideas import tasks as idea_tasks
from ruche.ideas.models import Campaign
from ruche.ldap import tasks as ldap_tasks
from ruche.links import tasks as link_tasks
from ruche.links.models import LinkPreview
from ruche.notifications import tasks as notification_tasks
from ruche.notifications.models import Email, Notification
from ruche.notifications.services import preference_set
from ruche.posts import services as posts
from ruche.posts.models import Hashtag
from ruche.privacy import tasks as privacy_tasks
from ruche.privacy.models import DataExport
from ruche.privacy.services import export as privacy
from ruche.qa import services as qa
from ruche.qa import tasks as qa_tasks
from ruche.realtime.models import RealtimeEvent
from ruche.search import tasks as search_tasks
from ruche.sources import tasks as source_tasks
from ruche.sources.models import Source, SourceItem
from tests.fixtures.ideas import stage
from tests.local_sites import LocalSite

pytestmark = pytest.mark.django_db

# What a task may change, as rows; `None`: every field, else the fields left out and why.
STATE: dict[type, tuple[str, ...]] = {
    Notification: (),
    Email: (),
    FeedEntry: (),
    Receipt: (),
    Announcement: (),
    Membership: (),
    Community: (),
    Campaign: (),
    Follow: (),
    # A refresh says when it last computed: the figures must not move, the time does.
    CommunityStats: ("computed_at",),
    # Pushed to browsers: a badge must not be raised twice. ("feed.post" is left out: a fan-out run
    # again announces the post again, which browsers fold by post id, see realtime.js.)
    RealtimeEvent: (),
    LinkPreview: (),
    SourceItem: (),
    Attachment: (),
    # A poll says when it last looked: what it published must not move, the time does.
    Source: ("last_polled_at", "last_success_at", "next_poll_at"),
    PersonDay: (),
    # Rolled up again from the days: the same rows, under new ids.
    PersonWeek: ("id",),
    PersonMonth: ("id",),
    CommunityPersonDay: (),
    CommunityDay: (),
    SummarySubscription: (),
    DataExport: (),
    # People as a directory keeps them (the LDAP sync); when they were last seen is not a task's.
    User: ("last_login", "last_seen_at", "feed_built_at", "feed_horizon"),
    Profile: (),
    Department: (),
}


def _rows(model, left_out) -> list[dict]:
    rows = model.objects.order_by("pk").values()
    if model is RealtimeEvent:
        rows = rows.exclude(type="feed.post")
    return [{k: v for k, v in row.items() if k not in left_out} for row in rows]


def _search_documents() -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT kind, object_id, document::text FROM search_document ORDER BY 1, 2")
        else:
            cursor.execute("SELECT rowid, title, body FROM search_post ORDER BY rowid")
        return cursor.fetchall()


def state() -> dict:
    """Everything a task may leave behind, ids included: "the same rows", not look-alikes."""
    found = {model.__name__: _rows(model, left_out) for model, left_out in STATE.items()}
    found["sent"] = [(m.to, m.subject, m.body) for m in mail.outbox]
    found["search"] = _search_documents()
    found["stored"] = _stored_files()
    return found


def _stored_files() -> list[str]:
    """The uploaded files on disk (a task may delete some)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


# The cases ----------------------------------------------------------------------------------------

CASES: dict[str, tuple[Task, Callable]] = {}


def case(task: Task, name: str = ""):
    """Register `arrange(world) -> kwargs`: what to build, and the task's arguments."""

    def register(arrange):
        CASES[f"{task.name}{': ' + name if name else ''}"] = (task, arrange)
        return arrange

    return register


class World:
    """The fixtures a case asks for, and the arguments services enqueue tasks with."""

    def __init__(self, request):
        self.request = request
        self.capture = request.getfixturevalue("django_capture_on_commit_callbacks")

    def __getattr__(self, fixture):
        return self.request.getfixturevalue(fixture)

    def people(self, *names: str) -> list[User]:
        return [self.make_user(name, "Test") for name in names]

    def enqueued(self, task: Task, action: Callable, nth: int = 0) -> dict:
        """The keyword arguments `action` (a service call) enqueues `task` with; the task is not
        run (it would run after commit)."""
        found = []

        def record(sender, task_result, **kwargs):
            if task_result.task.module_path == task.module_path:
                found.append(task_result.kwargs)

        task_enqueued.connect(record)
        try:
            with self.capture():  # what runs after commit is left out
                action()
        finally:
            task_enqueued.disconnect(record)
        assert found, f"{task.name} was not enqueued"
        return found[nth]

    def run(self, action: Callable):
        """A service call with its side effects (tasks) run, as the worker would."""
        with self.capture(execute=True):
            return action()


# Notifications


@case(notification_tasks.notify_new_post, "a reply mentioning someone")
def _(w):
    alice, bruno, chloe, david = w.people("Alice", "Bruno", "Chloe", "David")
    question = posts.post_create(author=alice, body="Question ?")
    posts.post_create(author=chloe, body="Moi aussi", parent=question)
    return w.enqueued(
        notification_tasks.notify_new_post,
        lambda: posts.post_create(author=bruno, body=f"Voir @{david.handle}", parent=question),
    )


@case(notification_tasks.notify_new_post, "an edit mentioning someone new")
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    post = posts.post_create(author=alice, body="Bonjour")
    return w.enqueued(
        notification_tasks.notify_new_post,
        lambda: posts.post_edit(post=post, by=alice, body=f"Bonjour @{bruno.handle}"),
    )


@case(notification_tasks.notify_new_post, "a share, told to the original's author (by e-mail too)")
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    post = posts.post_create(author=alice, body="Nouveau site !")
    preference_set(user=alice, kind="share", channel="email", enabled=True)
    return w.enqueued(
        notification_tasks.notify_new_post,
        lambda: posts.post_share(author=bruno, original=post, body="À voir"),
    )


@case(notification_tasks.notify_reaction)
def _(w):
    alice, bruno, chloe = w.people("Alice", "Bruno", "Chloe")
    post = posts.post_create(author=alice, body="Nouveau site !")
    preference_set(user=alice, kind="reaction", channel="email", enabled=True)
    w.run(lambda: posts.reaction_set(post=post, user=bruno, kind="like"))
    return w.enqueued(
        notification_tasks.notify_reaction, lambda: posts.reaction_set(post=post, user=chloe, kind="bravo")
    )


@case(notification_tasks.notify_follow)
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    preference_set(user=bruno, kind="follow", channel="email", enabled=True)
    return w.enqueued(notification_tasks.notify_follow, lambda: user_follow(follower=alice, followed=bruno))


@case(notification_tasks.notify_community, "a join request")
def _(w):
    olivia, bruno = w.people("Olivia", "Bruno")
    private = w.make_community(visibility=Community.Visibility.PRIVATE, owner=olivia)
    return w.enqueued(
        notification_tasks.notify_community,
        lambda: communities.join_request_create(community=private, user=bruno, message="Bonjour"),
    )


@case(notification_tasks.notify_community, "a post hidden")
def _(w):
    olivia, bruno = w.people("Olivia", "Bruno")
    group = w.make_community(owner=olivia, members=[bruno])
    post = posts.post_create(author=bruno, body="Hors sujet", communities=[group])
    return w.enqueued(
        notification_tasks.notify_community,
        lambda: communities.post_hide(post=post, by=olivia, reason="Hors sujet"),
    )


@case(notification_tasks.emails_send_due)
def _(w):
    admin = w.admin
    w.run(lambda: user_invite(email="zoe@example.com", first_name="Zoé", last_name="B", invited_by=admin))
    mail.outbox.clear()
    Email.objects.update(state=Email.State.PENDING, sent_at=None, attempts=0)  # as if not sent yet
    return {}


@case(notification_tasks.digests_send)
def _(w):
    alice, bruno, chloe = w.people("Alice", "Bruno", "Chloe")
    question = posts.post_create(author=alice, body="Question ?")
    posts.post_create(author=chloe, body="Moi aussi", parent=question)
    w.run(lambda: posts.post_create(author=bruno, body="Réponse", parent=question))  # a thread reply
    return {"frequency": "weekly"}


# People and communities


@case(send_invitation)
def _(w):
    admin = w.admin
    return w.enqueued(
        send_invitation,
        lambda: user_invite(email="zoe@example.com", first_name="Zoé", last_name="B", invited_by=admin),
    )


@case(community_tasks.apply_rules_to_user)
def _(w):
    olivia, bruno = w.people("Olivia", "Bruno")
    quality = Department.objects.create(name="Qualité")
    group = w.make_community(owner=olivia)
    AutoMembershipRule.objects.create(community=group, department=quality)
    posts.post_create(author=olivia, body="Bienvenue", communities=[group])
    bruno.profile.department = quality
    bruno.profile.save()
    return {"user_id": bruno.pk}


@case(community_tasks.refresh_health)
def _(w):
    olivia, bruno = w.people("Olivia", "Bruno")
    group = w.make_community(owner=olivia, members=[bruno])
    post = posts.post_create(author=olivia, body="Bienvenue", communities=[group])
    posts.post_create(author=bruno, body="Merci", parent=post)
    return {"community_id": group.pk}


# Feeds and search


@case(feed_tasks.fan_out_post)
def _(w):
    alice, bruno, chloe = w.people("Alice", "Bruno", "Chloe")
    user_follow(follower=bruno, followed=alice)
    return w.enqueued(
        feed_tasks.fan_out_post, lambda: posts.post_create(author=alice, body=f"Salut @{chloe.handle}")
    )


@case(feed_tasks.remove_post_from_feeds)
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    user_follow(follower=bruno, followed=alice)
    post = w.run(lambda: posts.post_create(author=alice, body="Oups"))
    return w.enqueued(feed_tasks.remove_post_from_feeds, lambda: posts.post_delete(post=post, by=alice))


@case(feed_tasks.backfill_follow)
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    posts.post_create(author=alice, body="Un")
    posts.post_create(author=alice, body="Deux")
    return w.enqueued(feed_tasks.backfill_follow, lambda: user_follow(follower=bruno, followed=alice))


@case(feed_tasks.backfill_hashtag)
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    posts.post_create(author=alice, body="Vive la #qualite")
    tag = Hashtag.objects.get(key="qualite")
    return w.enqueued(feed_tasks.backfill_hashtag, lambda: posts.hashtag_follow(user=bruno, hashtag=tag))


@case(feed_tasks.backfill_community)
def _(w):
    olivia, bruno = w.people("Olivia", "Bruno")
    group = w.make_community(owner=olivia)
    posts.post_create(author=olivia, body="Bienvenue", communities=[group])
    return w.enqueued(
        feed_tasks.backfill_community, lambda: communities.community_join(community=group, user=bruno)
    )


@case(feed_tasks.forget_community)
def _(w):
    olivia, bruno = w.people("Olivia", "Bruno")
    private = w.make_community(visibility=Community.Visibility.PRIVATE, owner=olivia, members=[bruno])
    w.run(lambda: posts.post_create(author=olivia, body="Entre nous", communities=[private]))
    return w.enqueued(
        feed_tasks.forget_community, lambda: communities.community_leave(community=private, user=bruno)
    )


@case(search_tasks.reindex)
def _(w):
    (alice,) = w.people("Alice")
    return w.enqueued(
        search_tasks.reindex, lambda: posts.post_create(author=alice, body="Presse hydraulique")
    )


# Announcements


@case(announcement_tasks.materialise_and_deliver)
def _(w):
    w.settings.ANNOUNCEMENT_INLINE_RECIPIENTS = 1
    w.settings.ANNOUNCEMENT_BATCH_SIZE = 2
    w.people("Alice", "Bruno", "Chloe")
    announcer = w.make_user("Claire", "Comms", is_announcer=True)
    return w.enqueued(
        announcement_tasks.materialise_and_deliver,
        lambda: announcements.announcement_publish(
            author=announcer, title="Cantine", body="Lundi", everyone=True
        ),
    )


@case(announcement_tasks.deliver_announcement)
def _(w):
    w.settings.ANNOUNCEMENT_BATCH_SIZE = 2
    w.people("Alice", "Bruno", "Chloe")
    announcer = w.make_user("Claire", "Comms", is_announcer=True)
    return w.enqueued(
        announcement_tasks.deliver_announcement,
        lambda: announcements.announcement_publish(
            author=announcer, title="Cantine", body="Lundi", everyone=True
        ),
    )


@case(announcement_tasks.deliver_announcement, "a reminder")
def _(w):
    alice, _bruno = w.people("Alice", "Bruno")
    announcer = w.make_user("Claire", "Comms", is_announcer=True)
    a = w.run(
        lambda: announcements.announcement_publish(
            author=announcer, title="Sécurité", body="Lire", everyone=True, requires_ack=True
        )
    )
    announcements.announcement_acknowledge(announcement=a, user=alice)
    return w.enqueued(
        announcement_tasks.deliver_announcement,
        lambda: announcements.announcement_remind(announcement=a, by=announcer),
    )


# Ideas


@case(idea_tasks.notify_campaign_opened)
def _(w):
    w.author, w.voter, w.outsider  # noqa: B018 (people of the population, and one outside it)
    draft = w.make_campaign(open=False)
    return w.enqueued(
        idea_tasks.notify_campaign_opened, lambda: ideas.campaign_open(campaign=draft, by=w.manager)
    )


def _closing_soon(w) -> Campaign:
    w.author, w.voter  # noqa: B018
    return w.make_campaign(ends_at=timezone.now() + datetime.timedelta(hours=2))


@case(idea_tasks.notify_campaign_closing)
def _(w):
    _closing_soon(w)
    return w.enqueued(idea_tasks.notify_campaign_closing, ideas.campaigns_remind_closing)


@case(idea_tasks.remind_closing_campaigns)
def _(w):
    _closing_soon(w)
    return {}


def _idea(w, title="Trier les copeaux", **fields):
    return ideas.idea_submit(
        campaign=w.campaign, author=w.author, title=title, description="Un bac par **métal**.", **fields
    )


@case(idea_tasks.notify_idea_moved)
def _(w):
    idea = _idea(w)
    ideas.idea_follow(idea=idea, user=w.voter)
    shortlisted = stage(idea.campaign, "Shortlisted")
    return w.enqueued(
        idea_tasks.notify_idea_moved, lambda: ideas.idea_move(idea=idea, stage=shortlisted, by=w.manager)
    )


@case(idea_tasks.notify_idea_merged)
def _(w):
    kept, duplicate = _idea(w), _idea(w, title="Des bacs de tri")
    return w.enqueued(
        idea_tasks.notify_idea_merged, lambda: ideas.idea_merge(duplicate=duplicate, into=kept, by=w.manager)
    )


@case(idea_tasks.notify_coauthors)
def _(w):
    return w.enqueued(idea_tasks.notify_coauthors, lambda: _idea(w, coauthors=[w.voter]))


@case(idea_tasks.notify_review_assigned)
def _(w):
    idea = _idea(w)
    ideas.idea_move(idea=idea, stage=stage(idea.campaign, "Shortlisted"), by=w.manager)
    return w.enqueued(
        idea_tasks.notify_review_assigned,
        lambda: ideas.review_assign(idea=idea, reviewer=w.reviewer, by=w.manager),
    )


# Questions


@case(qa_tasks.notify_answer_accepted)
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    question = qa.question_ask(author=alice, body="Comment régler la presse ?")
    answer = posts.post_create(author=bruno, body="Avec la clé de 12", parent=question)
    return w.enqueued(qa_tasks.notify_answer_accepted, lambda: qa.answer_accept(by=alice, answer=answer))


@case(qa_tasks.notify_experts)
def _(w):
    alice, bruno, chloe = w.people("Alice", "Bruno", "Chloe")
    question = qa.question_ask(author=alice, body="Comment régler la presse ?")
    return w.enqueued(
        qa_tasks.notify_experts,
        lambda: qa.question_ask_experts(by=alice, question=question, experts=[bruno, chloe]),
    )


# The tests ----------------------------------------------------------------------------------------


@pytest.fixture
def article_site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = (
        b'<meta property="og:title" content="Nouvelle ligne"><meta property="og:description" content="Laser">'
    )
    with LocalSite({"/article": (200, {"Content-Type": "text/html"}, page)}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        yield site


@case(link_tasks.preview_fetch)
def _(w):
    url = w.article_site.url("/article")
    return {"preview_id": LinkPreview.objects.create(url=url, url_hash="article").pk}


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Veille</title>
<item><guid>1</guid><title>Soudure laser</title><link>https://news.example.org/1</link></item></channel></rss>"""


@pytest.fixture
def feed_source(settings, make_community):
    with LocalSite({"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, RSS)}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        community = make_community("Veille")
        owner = community.memberships.get().user
        yield Source.objects.create(community=community, added_by=owner, url=site.url("/feed.xml"))


@case(source_tasks.source_poll)
def _(w):
    return {"source_id": w.feed_source.pk}


@case(source_tasks.sources_poll_due)
def _(w):
    assert w.feed_source.next_poll_at  # a new source is due at once
    return {}


@case(alert_tasks.alerts_notify)
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    alerts.alert_create(user=alice, query="soudure laser")
    return {"post_id": posts.post_create(author=bruno, body="Soudure laser à Lyon").pk}


@pytest.fixture
def stored_upload(settings, tmp_path, make_user):
    """An upload of a text file, kept under a temporary media folder."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    return files.attachment_upload(
        uploader=make_user("Fanny", "Test"), upload=SimpleUploadedFile("a.txt", b"a")
    )


@case(file_tasks.stored_files_delete)
def _(w):
    upload = w.stored_upload
    Attachment.objects.filter(pk=upload.pk).delete()  # as the services do, before the task
    return {"names": [upload.file.name]}


@case(file_tasks.attachments_sweep)
def _(w):
    Attachment.objects.filter(pk=w.stored_upload.pk).update(
        created=timezone.now() - datetime.timedelta(days=2)
    )
    return {}


@pytest.fixture
def export_media(settings, tmp_path):
    """Data exports' files kept under a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def export_asked(export_media, make_user, django_capture_on_commit_callbacks):
    """A data export asked for, not yet built."""
    alice = make_user("Alice", "Test")
    posts.post_create(author=alice, body="Mes données")
    with django_capture_on_commit_callbacks():
        return privacy.export_request(user=alice)


@case(privacy_tasks.data_export_build)
def _(w):
    w.request.getfixturevalue("export_media")
    alice = w.make_user("Alice", "Test")
    return w.enqueued(privacy_tasks.data_export_build, lambda: privacy.export_request(user=alice))


@case(privacy_tasks.data_exports_expire)
def _(w):
    export = w.export_asked
    w.run(lambda: privacy.export_build(export_id=export.pk))
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    return {}


@case(ldap_tasks.ldap_sync_run)
def _(w):
    """Two people in a real directory, the report listed before her manager; each run keeps its
    report (a SyncRun), the people are written once."""
    slapd = w.slapd
    with slapd.connection() as ldap:
        slapd.add(ldap, "ines", mail="ines.roy@example.com", givenName="Inès", sn="Roy", title="Technicienne",
                  departmentNumber="Production", l="Lyon", manager=slapd.dn("marc"))  # fmt: skip
        slapd.add(ldap, "marc", mail="marc.blanc@example.com", givenName="Marc", sn="Blanc", departmentNumber="Production")  # fmt: skip
    return {}


@case(privacy_tasks.retention_enforce_task)
def _(w):
    """Notifications and sign-ins on both sides of their limits: the old go, once."""
    alice, bruno = w.people("Alice", "Bruno")
    w.run(lambda: user_follow(follower=bruno, followed=alice))
    now = timezone.now()
    Notification.objects.filter(recipient=alice).update(created=now - datetime.timedelta(days=400))
    w.run(lambda: user_follow(follower=alice, followed=bruno))
    return {}


@case(analytics_tasks.analytics_refresh)
def _(w):
    alice, bruno = w.people("Alice", "Bruno")
    post = posts.post_create(author=alice, body="Bonjour")
    w.run(lambda: posts.reaction_set(post=post, user=bruno, kind="like"))
    PersonDay.objects.create(user=bruno, day=timezone.localdate(), visits=1, pages=3)  # counted live
    return {}


@case(analytics_tasks.analytics_summaries_send)
def _(w):
    ana, lou = (w.make_user(name, "Lyst", is_analyst=True) for name in ("Ana", "Lou"))
    for reader in (ana, lou):
        analytics.summary_subscription_set(user=reader, subscribed=True)
    SummarySubscription.objects.update(last_week="")  # subscribed before this week
    User.objects.filter(pk=lou.pk).update(is_analyst=False)  # no longer a reader: no e-mail, no subscription
    PersonDay.objects.create(user=ana, day=timezone.localdate() - datetime.timedelta(days=7), visits=1)
    return {}


def _all_tasks() -> set[str]:
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("ruche."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError:
            continue
        found |= {value.name for value in vars(module).values() if isinstance(value, Task)}
    return found


def test_every_task_has_a_case():
    covered = {task.name for task, _arrange in CASES.values()}
    assert _all_tasks() - covered == set()
    # Tasks live in the apps' tasks.py (the rooms of ARCHITECTURE.md), where the line above finds them.
    root = Path(ruche.__file__).parent
    elsewhere = [p for p in root.rglob("*.py") if p.name != "tasks.py" and "@task(" in p.read_text()]
    assert elsewhere == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_task_run_twice_leaves_what_one_run_left(name, request, django_capture_on_commit_callbacks):
    task, arrange = CASES[name]
    kwargs = arrange(World(request))
    before = state()
    with django_capture_on_commit_callbacks(execute=True):  # e-mails due now are sent, as the worker would
        task.call(**kwargs)
    once = state()
    assert once != before, "the case does not exercise the task"
    with django_capture_on_commit_callbacks(execute=True):
        task.call(**kwargs)
    assert state() == once


# Two copies at once (PostgreSQL: SQLite runs one writing transaction at a time) -----------------


def _concurrent_cases(make_user) -> list[tuple[Task, dict, list[User]]]:
    alice, bruno, chloe, david = (make_user(name, "Race") for name in ("Alice", "Bruno", "Chloe", "David"))
    follow = Follow.objects.create(follower=alice, followed=bruno)
    mention = posts.post_create(author=alice, body="Bonjour")
    post = posts.post_create(author=david, body="Nouveau site")
    reaction = posts.reaction_set(post=post, user=chloe, kind="like")
    return [
        (notification_tasks.notify_follow, {"follow_id": follow.pk}, [bruno]),
        (
            notification_tasks.notify_new_post,
            {"post_id": mention.pk, "mentioned_ids": [bruno.pk, chloe.pk]},
            [bruno, chloe],
        ),
        (notification_tasks.notify_reaction, {"reaction_id": reaction.pk}, [david]),
    ]


def _at_once(task: Task, kwargs: dict, copies: int = 2) -> list[BaseException]:
    start, errors = threading.Barrier(copies), []

    def copy():
        try:
            start.wait()
            task.call(**kwargs)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=copy) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_a_notification_task_at_once_tell_once(make_user, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: two copies cannot overlap")
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }  # nothing runs by itself
    cases = _concurrent_cases(make_user)
    for user in User.objects.all():  # e-mailed at once, like mentions
        for kind in ("follow", "reaction"):
            preference_set(user=user, kind=kind, channel="email", enabled=True)
    for task, kwargs, recipients in cases:
        assert _at_once(task, kwargs) == [], task.name
        for user in recipients:
            told = Notification.objects.filter(recipient=user)
            assert told.count() == 1, task.name
            assert Email.objects.filter(recipient=user).count() == 1, task.name  # one e-mail queued
            badges = RealtimeEvent.objects.filter(type="notifications", user_id=user.pk)
            assert badges.count() == 1, task.name  # the badge raised once
        Notification.objects.all().delete()
        Email.objects.all().delete()
        RealtimeEvent.objects.all().delete()


# What legitimately repeats, and runs after the world moved on -------------------------------------


def test_a_stale_reaction_task_changes_nothing(make_user):
    alice, bruno, chloe = (make_user(name, "React") for name in ("Alice", "Bruno", "Chloe"))
    post = posts.post_create(author=alice, body="Nouveau site")
    first = posts.reaction_set(post=post, user=bruno, kind="like")
    second = posts.reaction_set(post=post, user=chloe, kind="bravo")
    for reaction in (first, second, first):  # Bruno's task runs again after Chloé's
        notification_tasks.notify_reaction.call(reaction_id=reaction.pk)
    grouped = Notification.objects.get(recipient=alice)
    assert (grouped.actor, grouped.actor_count) == (chloe, 2)


def test_a_follow_after_an_unfollow_is_news_again(make_user):
    alice, bruno = make_user("Alice", "F"), make_user("Bruno", "F")
    for _ in range(2):
        follow = user_follow(follower=alice, followed=bruno)
        notification_tasks.notify_follow.call(follow_id=follow.pk)
        notification_tasks.notify_follow.call(follow_id=follow.pk)
        user_unfollow(follower=alice, followed=bruno)
    assert Notification.objects.filter(recipient=bruno, kind="follow").count() == 2


def test_each_moderation_decision_is_told_even_with_the_same_reason(request):
    w = World(request)
    olivia, bruno = w.people("Olivia", "Bruno")
    group = w.make_community(owner=olivia, members=[bruno])
    post = posts.post_create(author=bruno, body="Hors sujet", communities=[group])
    for hide in (True, False, True):
        kwargs = w.enqueued(
            notification_tasks.notify_community,
            lambda hide=hide: communities.post_hide(post=post, by=olivia, reason="Hors sujet", hide=hide),
        )
        notification_tasks.notify_community.call(**kwargs)
        notification_tasks.notify_community.call(**kwargs)
    kinds = Notification.objects.filter(recipient=bruno).order_by("pk").values_list("kind", flat=True)
    assert list(kinds) == ["post_hidden", "post_restored", "post_hidden"]


def test_a_notice_queued_before_keys_existed_is_still_told(make_user):
    olivia, bruno = make_user("Olivia", "K"), make_user("Bruno", "K")
    notification_tasks.notify_community.call(
        recipient_id=bruno.pk, kind="join_approved", actor_id=olivia.pk, community_id=None, post_id=None
    )
    assert Notification.objects.get(recipient=bruno).key is None


def test_an_idea_moved_twice_is_told_twice(request):
    w = World(request)
    idea = _idea(w)
    ideas.idea_follow(idea=idea, user=w.voter)
    for name in ("Shortlisted", "Under review"):
        kwargs = w.enqueued(
            idea_tasks.notify_idea_moved,
            lambda name=name: ideas.idea_move(idea=idea, stage=stage(idea.campaign, name), by=w.manager),
        )
        idea_tasks.notify_idea_moved.call(**kwargs)
        idea_tasks.notify_idea_moved.call(**kwargs)
    assert Notification.objects.filter(recipient=w.voter, kind="idea_moved").count() == 2


def test_an_invitation_sent_again_is_a_new_email_but_a_task_run_twice_is_not(request, mailoutbox):
    w = World(request)
    admin = w.admin
    user = w.run(
        lambda: user_invite(email="zoe@example.com", first_name="Zoé", last_name="B", invited_by=admin)
    )
    assert len(mailoutbox) == 1
    headers = mailoutbox[0].message()
    assert headers["List-Unsubscribe"] is None and headers["Message-ID"]  # none to unsubscribe from
    again = w.enqueued(send_invitation, lambda: invitation_resend(user=user, by=admin))
    for _ in range(2):
        w.run(lambda: send_invitation.call(**again))
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["zoe@example.com"]


def test_a_backfill_run_after_an_unfollow_brings_nothing_back(make_user):
    alice, bruno = make_user("Alice", "B"), make_user("Bruno", "B")
    posts.post_create(author=alice, body="Un")
    user_follow(follower=bruno, followed=alice)
    user_unfollow(follower=bruno, followed=alice)
    assert feed_tasks.backfill_follow.call(user_id=bruno.pk, author_id=alice.pk) == 0
    assert not FeedEntry.objects.filter(user=bruno).exists()
