"""The demo company generator: the small demo (through the services) and the bulk large mode."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from ruche.accounts.models import Department, Follow, Profile, ProfileSettings, Site, User
from ruche.analytics.models import CommunityDay, PersonDay, SearchDay
from ruche.communities.models import Community, Membership, Placement
from ruche.demo import company as demo
from ruche.demo import history
from ruche.feed.models import FeedEntry
from ruche.feed.selectors import home_feed
from ruche.feed.services import post_fan_out
from ruche.files.models import Attachment
from ruche.notifications.models import Notification
from ruche.posts.models import Hashtag, HashtagFollow, Post, Reaction
from ruche.qa.models import Question

# The services commit and run their after-commit tasks: that needs real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def run(**options) -> str:
    out = StringIO()
    call_command("demo_company", stdout=out, **options)
    return out.getvalue()


def assert_counts_consistent():
    users = User.objects.annotate(n=Count("follower_set")).exclude(follower_count=F("n"))
    assert not users.exists()
    tags = Hashtag.objects.annotate(n=Count("follows")).exclude(follower_count=F("n"))
    assert not tags.exists()
    posts = Post.objects.annotate(n=Count("replies")).exclude(reply_count=F("n"))
    assert not posts.exists()
    reacted = Post.objects.annotate(n=Count("reactions")).exclude(reaction_count=F("n"))
    assert not reacted.exists()


def assert_questions_as_the_composer_makes_them():
    """Questions in the large company: answered at their first reply by someone else, some with
    an answer accepted by the asker, as qa's services would have them."""
    questions = list(Question.objects.select_related("post"))
    assert questions and any(q.accepted_answer_id for q in questions)
    assert any(q.first_answer_at is None for q in questions) or len(questions) < 5
    for q in questions:
        assert q.post.parent_id is None
        answers = q.post.replies.exclude(author=q.post.author_id).order_by("created")
        assert q.first_answer_at == (answers[0].created if answers else None)
        if q.accepted_answer_id:
            assert q.accepted_answer.parent_id == q.pk and q.accepted_by_id == q.post.author_id
            assert q.accepted_at >= q.accepted_answer.created


def assert_ids_follow_time(model):
    times = list(model.objects.order_by("pk").values_list("created", flat=True))
    assert times == sorted(times)


def test_small_demo_is_a_believable_company_and_loads_only_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    output = run(if_empty=True, weeks=2)

    assert User.objects.count() == 40
    activated = User.objects.filter(activated_at__isnull=False)
    assert not activated.filter(last_seen_at__isnull=True).exists()
    assert (
        User.objects.filter(email__in=[demo.ADMIN_EMAIL, f"{demo.DEMO_EMPLOYEE}@{demo.DOMAIN}"])
        .filter(activated_at__isnull=False, is_active=True)
        .count()
        == 2
    )
    assert set(User.objects.values_list("language", flat=True)) == {"fr"}
    assert Profile.objects.count() == 40
    assert Department.objects.count() == 6
    assert Site.objects.count() == 4
    assert not Profile.objects.annotate(n=Count("skills")).filter(Q(n__lt=3) | Q(n__gt=6)).exists()
    ceo = User.objects.get(profile__manager__isnull=True)
    assert ceo.reports.count() >= 5
    # CEO, directors, team managers, teams: the org chart has four levels.
    assert Profile.objects.filter(manager__profile__manager__profile__manager=ceo).exists()
    admin = User.objects.get(email=demo.ADMIN_EMAIL)
    assert admin.is_staff and admin.is_superuser and admin.profile.job_title
    assert admin.check_password(demo.DEMO_PASSWORD)
    assert demo.ADMIN_EMAIL in output and demo.DEMO_PASSWORD in output
    assert ProfileSettings.current().mandatory == []  # `make run` asks nothing before the feed

    assert Post.objects.filter(parent__isnull=True).count() >= 20
    assert Post.objects.filter(parent__isnull=False).exists()
    assert Post.mentions.through.objects.exists()
    assert Hashtag.objects.filter(key="qualite").exists()
    assert set(Reaction.objects.values_list("kind", flat=True)) == set(Reaction.Kind.values)
    assert FeedEntry.objects.filter(reason=FeedEntry.Reason.FOLLOW).exists()
    assert Notification.objects.filter(kind=Notification.Kind.MENTION).exists()
    assert_ids_follow_time(Post)
    assert_counts_consistent()
    employee = User.objects.get(handle=demo.DEMO_EMPLOYEE)
    unread = Notification.objects.filter(recipient=employee, read_at__isnull=True).count()
    assert 0 < unread < Notification.objects.filter(recipient=employee).count()
    from ruche.ideas.models import Campaign
    from ruche.ideas.policies import can_view_campaign

    campaign = Campaign.objects.get()  # an open innovation campaign, aimed at the demo employee
    assert campaign.state == "open" and campaign.ideas.count() == 4 and can_view_campaign(employee, campaign)
    assert Notification.objects.filter(recipient=employee, kind=Notification.Kind.CAMPAIGN_OPENED).exists()

    assert_some_posts_carry_files(employee, since=timezone.now() - timedelta(weeks=2))
    assert_history_tells_a_launch_story()

    counts = (User.objects.count(), Post.objects.count(), Notification.objects.count())
    assert "not loaded again" in run(if_empty=True)
    assert (User.objects.count(), Post.objects.count(), Notification.objects.count()) == counts


def assert_history_tells_a_launch_story():
    """Launched thirteen weeks ago: invitations in waves, activation climbing, a few never
    activated, communities gone quiet or losing members, and the daily facts of every day."""
    today = timezone.localdate()
    launch = history.launch_moment(timezone.now())
    assert timedelta(weeks=13) <= timezone.now() - launch <= timedelta(weeks=14)
    invited = sorted(User.objects.values_list("invited_at", flat=True))
    assert launch - timedelta(days=7) <= invited[0] and invited[-1] - launch >= timedelta(weeks=4)  # in waves

    activated = sorted(User.objects.exclude(activated_at=None).values_list("activated_at", flat=True))
    ends = [launch + timedelta(weeks=w) for w in range(1, 14)]
    weekly = [sum(a < end for a in activated) / len(invited) for end in ends]  # of everyone invited
    assert weekly == sorted(weekly) and weekly[0] < 0.5 < weekly[-1]
    assert len({weekly[w] for w in range(8)}) >= 5  # it climbs over the first two months
    # Activated of those invited by then: once the last wave is in, it only rises.
    rate = [weekly[w] * len(invited) / sum(i < end for i in invited) for w, end in enumerate(ends)]
    assert rate[5:] == sorted(rate[5:]) and rate[5] < rate[-1]

    never = User.objects.filter(activated_at=None)
    assert 5 <= never.count() <= 8 and not never.filter(is_active=False).exists()
    assert never.values("profile__department").distinct().count() >= 4
    assert not PersonDay.objects.filter(user__in=never).exists()
    assert not Post.objects.filter(author__in=never).exists()
    assert not Reaction.objects.filter(user__in=never).exists()
    assert not Membership.objects.filter(user__in=never).exists()

    # Nobody did anything before activating.
    assert not PersonDay.objects.filter(day__lt=TruncDate("user__activated_at")).exists()
    assert not Post.objects.filter(created__lt=F("author__activated_at")).exists()
    assert not Reaction.objects.filter(created__lt=F("user__activated_at")).exists()
    assert not Follow.objects.filter(created__lt=F("follower__activated_at")).exists()
    assert not HashtagFollow.objects.filter(created__lt=F("user__activated_at")).exists()
    assert not Membership.objects.filter(created__lt=F("user__activated_at")).exists()

    old = PersonDay.objects.filter(day__lt=today - timedelta(weeks=3))
    assert (
        old.filter(posts__gt=0).exists()
        and old.filter(visits__gt=0, posts=0, replies=0, reactions=0).exists()
    )
    assert not PersonDay.objects.filter(visits=0).filter(Q(posts__gt=0) | Q(replies__gt=0)).exists()
    assert PersonDay.objects.filter(day=launch.date()).exists()
    first_month = PersonDay.objects.filter(day__lt=launch.date() + timedelta(weeks=4)).aggregate(
        n=Sum("visits")
    )
    last_month = PersonDay.objects.filter(day__gte=today - timedelta(weeks=4)).aggregate(n=Sum("visits"))
    assert last_month["n"] > 2 * first_month["n"]

    posted = Post.objects.filter(placements__status=Placement.Status.APPROVED)
    quiet = [
        c
        for c in Community.objects.all()
        if posted.filter(placements__community=c).exists()
        and not posted.filter(
            placements__community=c, created__gte=timezone.now() - timedelta(weeks=5)
        ).exists()
    ]
    assert len(quiet) >= 2
    assert CommunityDay.objects.filter(
        community__in=quiet, day__lt=today - timedelta(weeks=5), posts__gt=0
    ).exists()
    losing = Community.objects.filter(departures__isnull=False).distinct()
    assert losing.exists()
    for community in losing:
        counts = list(
            CommunityDay.objects.filter(community=community).order_by("day").values_list("members", flat=True)
        )
        assert max(counts) > counts[-1] == community.member_count
    month_ago = CommunityDay.objects.filter(
        day=today - timedelta(days=28), members__gt=F("community__member_count")
    )
    assert month_ago.filter(community__in=losing).exists()  # the default period shows it

    questions = Question.objects.filter(post__created__lt=timezone.now() - timedelta(weeks=3))
    assert (
        questions.filter(first_answer_at=None).exists()
        and questions.filter(accepted_answer__isnull=False).exists()
    )
    assert PersonDay.objects.filter(answers__gt=0, day__lt=today - timedelta(weeks=3)).exists()

    assert SearchDay.objects.filter(query="note de frais", searches__gt=0).exists()
    assert SearchDay.objects.filter(empty__gt=0).exists() and SearchDay.objects.filter(empty=0).exists()
    searched = SearchDay.objects.aggregate(n=Sum("searches"))["n"]
    assert searched == PersonDay.objects.aggregate(n=Sum("searches"))["n"]


def assert_some_posts_carry_files(employee, since):
    """About one post in eight of the recent weeks (the older ones are simpler) carries photos or
    a document, uploaded through the files service, and the demo employee's first page shows both."""
    held = Attachment.objects.filter(holder_kind="post")
    assert not Attachment.objects.exclude(holder_kind="post").exists()  # nothing left waiting
    carrying = set(held.values_list("holder_id", flat=True))
    top_level = Post.objects.filter(parent__isnull=True, created__gte=since).count()
    assert top_level / 12 <= len(carrying) <= top_level / 5
    for attachment in held:
        assert default_storage.exists(attachment.file.name)
        assert attachment.is_image == bool(attachment.thumbnail) and attachment.created < timezone.now()
        assert attachment.uploader_id == Post.objects.get(pk=attachment.holder_id).author_id
    first_page = home_feed(employee).items
    kinds = {f.kind for post in first_page for f in post.files}
    assert kinds == {Attachment.Kind.IMAGE, Attachment.Kind.DOCUMENT}


def test_large_mode_writes_feeds_through_the_feed_rules(settings, monkeypatch):
    """No feed rule of its own: every top-level post goes through post_fan_out, every feed through
    feed_trim (PostgreSQL's set-based SQL is held to the same rows by test_bulk_feed.py)."""
    from ruche.feed import services as feed

    monkeypatch.setattr(demo, "_set_based_fan_out", lambda: False)
    fanned, trimmed = [], []
    monkeypatch.setattr(feed, "post_fan_out", lambda post: fanned.append(post.pk))
    monkeypatch.setattr(feed, "feed_trim", lambda user_id: trimmed.append(user_id))
    run(employees=210, weeks=1)
    assert sorted(fanned) == list(
        Post.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    assert sorted(trimmed) == list(User.objects.order_by("pk").values_list("pk", flat=True))


def test_large_mode_matches_what_fan_out_would_write(settings):
    settings.FEED_LARGE_AUDIENCE = 100  # so that a few accounts are pulled at read time, as at scale

    run(employees=300, weeks=1)

    assert User.objects.count() == 300
    assert Follow.objects.count() > 300 * 10
    assert HashtagFollow.objects.exists()
    assert_counts_consistent()
    assert_ids_follow_time(Post)
    assert_questions_as_the_composer_makes_them()
    large = User.objects.filter(follower_count__gt=100)
    assert large.exists()
    assert not FeedEntry.objects.filter(post__author__in=large, reason=FeedEntry.Reason.FOLLOW).exists()
    tops = Post.objects.filter(parent__isnull=True)
    assert FeedEntry.objects.filter(reason=FeedEntry.Reason.OWN).count() == tops.count()
    assert Notification.objects.filter(kind=Notification.Kind.REACTION).exists()
    # Writing a few posts' audiences again with the real fan-out gives the same rows.
    for post in tops.exclude(author__in=large).order_by("?")[:5]:
        written = set(FeedEntry.objects.filter(post=post).values_list("user_id", "reason"))
        FeedEntry.objects.filter(post=post).exclude(user=post.author).delete()
        post_fan_out(post)
        assert set(FeedEntry.objects.filter(post=post).values_list("user_id", "reason")) == written


def test_large_mode_keeps_feeds_bounded(settings):
    settings.FEED_MAX_ENTRIES = 30

    run(employees=250, weeks=1)

    biggest = FeedEntry.objects.values("user").annotate(n=Count("id")).order_by("-n").first()
    assert biggest["n"] == 30


@pytest.mark.parametrize("hour", [9, 12, 19, 23])
def test_planned_history_ends_before_the_latest_community_posts(hour):
    # Loaded in the evening, replies used to land after the communities' "latest posts".
    from datetime import datetime
    from random import Random
    from zoneinfo import ZoneInfo

    now = datetime(2026, 11, 23, hour, 31, tzinfo=ZoneInfo("Europe/Paris"))
    rng = Random(7)
    people = demo._roster(rng, 40, large=False)
    demo._finish_people(rng, people)
    everyone = list(range(len(people)))
    drafts = demo._plan(rng, demo.Cast(people), now, 2, 6.0, everyone, everyone, everyone)
    assert drafts
    assert max(d.when for d in drafts) < now - demo.HISTORY_ENDS
