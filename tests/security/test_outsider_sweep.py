"""Issue 12: as an outsider, every URL of the site and every API path, against private, secret,
campaign and announcement content (what the outside review did, ~1,500 URLs by hand).

Outsiders: Colin, a colleague in none of it (followed authors, a followed hashtag, @mentioned in
every private text); Ivan, invited but not activated yet; an anonymous visitor (reads only). For
each URL: no marker in the answer, the same status for a private object as for a made-up one (no
existence oracle, tags included), and no row changed. Then the other ways out: feeds, search,
autocompletion, notifications, e-mails and digests, live events.

The world is built once for the module (the tests only read it, or roll their writes back)."""

import json

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from ruche.api.services import api_token_create
from ruche.communities.models import Placement
from ruche.feed.models import FeedEntry
from ruche.notifications.digest import digests_build
from ruche.notifications.models import Email, Notification
from ruche.posts.models import Hashtag, Post
from ruche.realtime.models import RealtimeEvent
from ruche.realtime.policies import PUBLIC, post_channels, stream_channels
from ruche.worker.backend import EAGER as EAGER_TASKS
from tests.security.sweep import (
    INTRUDER,
    MARK,
    MISSING_ID,
    Route,
    Sweep,
    content,
    fingerprint,
    leaked,
    query_url,
    site_routes,
    slots_of,
)
from tests.security.world import build_world, mark

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once, inside a transaction rolled back when the module ends (each test's own writes
    are rolled back to a savepoint, as usual)."""
    test_settings = override_settings(
        TASKS=EAGER_TASKS,
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        VIDEO_BASE_URL="https://meet.example.org",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # speed, not safety
        ALLOWED_HOSTS=["testserver"],
    )
    with django_db_blocker.unblock(), test_settings, translation.override("en"):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            sent = len(mail.outbox)
            built = build_world()
            built.mails = mail.outbox[sent:]
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def outsider_client(world, who: str) -> tuple[Client, dict]:
    client = Client()
    if who == "anonymous":
        return client, {}
    user = getattr(world, who)
    client.force_login(user)
    _token, secret = api_token_create(user=user, name="sweep")
    return client, {"Authorization": f"Bearer {secret}"}


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


# Every URL and API path ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["colin", "ivan", "anonymous"])
def test_every_url_and_api_path_as_an_outsider(world, who):
    client, headers = outsider_client(world, who)
    sweep = Sweep(world, client, headers, unsafe=who == "colin")
    problems = sweep.run()
    assert not problems, report(problems)
    assert sweep.requests > 400, sweep.requests  # the sweep really ran


def test_the_sweep_covers_every_route():
    routes = site_routes()
    assert len({r.route for r in routes if r.api}) >= 60
    assert {"posts/<id:pk>/", "ideas/campaigns/<id:pk>/", "api/ruche/v1/feed/hashtags/{key}"} <= {
        r.route for r in routes
    }


def test_the_member_sees_the_markers(world):
    """Not vacuous: the same pages show the markers to someone who may read them."""
    client = Client()
    client.force_login(world.mia)
    pages = {
        f"/posts/{world.priv.pk}/": "privpost",
        f"/posts/{world.shared.pk}/": "privpost",  # the share, its original embedded for a member
        f"/posts/{world.sec.pk}/": "secpost",
        f"/communities/{world.secret.slug}/": "secretname",
        f"/ideas/campaigns/{world.campaign.pk}/": "campaign",
        f"/ideas/{world.idea.pk}/": "ideacomment",
        f"/announcements/{world.announcement.pk}/": "announcementbody",
        f"/tags/{world.tags[0]}/": "privreply",
        f"/api/ruche/v1/posts/{world.question.pk}": "question",
        query_url("/search/", q=mark("answer")): "answer",
    }
    for url, what in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert mark(what) in response.content.decode(), url
    assert client.get(f"/media/{world.campaign.cover.name}").status_code == 200  # the cover is served
    assert client.get(f"/rooms/{world.room.pk}/").status_code == 200


# The other ways out --------------------------------------------------------------------------------


OUTSIDERS = ["colin", "ivan"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_search_and_autocomplete_find_nothing(world, who):
    client, headers = outsider_client(world, who)
    words = [mark(w) for w in ("privpost", "privreply", "secpost", "question", "answer", "secretname")]
    words += [mark(w) for w in ("campaign", "idea", "ideadesc", "ideacomment", "announcement", "room")]
    words += [*world.tags, MARK]
    problems = []
    for word in words:
        for url, kwargs in [
            (query_url("/search/", q=word), {}),
            (query_url("/api/ruche/v1/search/", q=word), {"headers": headers}),
            (query_url("/autocomplete/hashtags/", q=word), {}),
            (query_url("/autocomplete/people/", q=word), {}),
            (query_url("/api/ruche/v1/search/experts", q=word), {"headers": headers}),
            (query_url("/", q=word), {}),
        ]:
            body = client.get(url, **kwargs).content.decode().replace(word, "")
            if MARK in body:
                problems.append(url)
    assert not problems, report(problems)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_feeds_notifications_and_emails_carry_nothing(world, who):
    user = getattr(world, who)
    private = [p.pk for p in world.private_posts]
    assert not FeedEntry.objects.filter(user=user, post_id__in=private).exists()
    told = Notification.objects.filter(recipient=user)
    assert not told.filter(post_id__in=private).exists()
    assert all(MARK not in str(vars(n)) for n in told)
    digests_build(frequency="daily")
    digests_build(frequency="weekly")
    for email in Email.objects.filter(recipient=user):
        assert MARK not in f"{email.subject}{email.text}{email.html}", email.kind
    for message in world.mails:
        if user.email in message.to:
            assert MARK not in f"{message.subject}{message.body}", message.subject


def test_the_outsiders_were_told_about_what_they_may_see(world):
    """Not vacuous: Colin follows the authors and a hashtag, and is mentioned; the public post
    reached him, the private ones did not."""
    assert FeedEntry.objects.filter(user=world.colin, post=world.public).exists()
    assert FeedEntry.objects.filter(user=world.colin, post=world.shared).exists()  # its comment only
    assert Notification.objects.filter(recipient=world.colin, post=world.shared, kind="mention").exists()
    assert Email.objects.filter(recipient=world.ivan, kind="invitation").exists() or any(
        world.ivan.email in m.to for m in world.mails
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_live_events_stay_in_their_channels(world, who):
    user = getattr(world, who)
    channels = set(stream_channels(user))
    for post in world.private_posts:
        assert PUBLIC not in post_channels(post)
        assert not channels & set(post_channels(post)), post.body
    private = {p.pk for p in world.private_posts}
    heard = RealtimeEvent.objects.filter(user=user) | RealtimeEvent.objects.filter(channel__in=channels)
    if who == "colin":  # not vacuous: the public post of someone he follows reached him
        assert heard.filter(type="feed.post", data__post=world.public.pk).exists()
    for event in heard:
        assert MARK not in str(event.data)
        assert event.data.get("post") not in private, event.type


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_share_of_private_content_shows_an_outsider_its_comment_only(world, who):
    """The share is theirs to read (the whole company's); its private original is not."""
    client, headers = outsider_client(world, who)
    pk = world.shared.pk
    for url in (
        f"/posts/{pk}/",
        f"/posts/{pk}/share/",
        f"/api/ruche/v1/posts/{pk}",
        f"/people/{world.mia.handle}/",
    ):
        response = client.get(url, headers=headers)
        if who == "colin" and not url.endswith("/share/"):
            assert response.status_code == 200 and "Worth reading" in content(response), url
        assert not leaked(content(response), []), url
        assert f"/posts/{world.priv.pk}/" not in content(response), url


def test_hashtags_used_only_in_private_do_not_exist_for_outsiders(world):
    from ruche.posts.policies import visible_hashtags

    keys = set(visible_hashtags(world.colin, Hashtag.objects.all()).values_list("key", flat=True))
    assert not keys & set(world.tags)
    assert world.public_tag in keys
    assert Post.objects.filter(hashtags__key=world.tags[0]).exists()


def test_the_sweep_notices_a_write_and_a_marker(world):
    """The harness itself: a member's reaction is a write, a member's page shows the marker."""
    client = Client()
    client.force_login(world.mia)
    sweep = Sweep(world, client, {}, unsafe=True)
    sweep.state = fingerprint()
    sweep.request(
        Route("posts/<id:pk>/react/", "posts:react", ["POST"]), "POST", {"pk": str(world.public.pk)}
    )
    sweep.request(Route("posts/<id:pk>/", "posts:detail", ["GET"]), "GET", {"pk": str(world.priv.pk)})
    assert len(sweep.problems) == 2, sweep.problems
    wrote, shown = sweep.problems
    assert "posts.Reaction" in wrote and mark("privpost") in shown


# Private objects named in forms and query strings ------------------------------------------------------


def test_an_outsider_cannot_publish_into_communities_they_cannot_read(world):
    client, headers = outsider_client(world, "colin")
    targets = [world.private.pk, world.secret.pk]
    client.post("/posts/new/", {"body": INTRUDER, "communities": targets})
    for path in ("/api/ruche/v1/posts/", "/api/ruche/v1/questions/"):
        for communities in ([world.secret.pk], [MISSING_ID]):
            body = json.dumps({"body": INTRUDER, "communities": communities})
            statuses = client.post(path, body, content_type="application/json", headers=headers).status_code
            assert statuses in {400, 403, 404, 422}, (path, statuses)
    assert_same = [
        client.post(
            "/api/ruche/v1/posts/",
            json.dumps({"body": INTRUDER, "communities": [pk]}),
            content_type="application/json",
            headers=headers,
        ).status_code
        for pk in (world.secret.pk, MISSING_ID)
    ]
    assert assert_same[0] == assert_same[1]
    assert not Placement.objects.filter(post__author=world.colin, community_id__in=targets).exists()
    assert not Post.objects.filter(author=world.colin, placements__community_id__in=targets).exists()


def test_filters_naming_a_secret_community_answer_as_for_a_made_up_one(world):
    client, headers = outsider_client(world, "colin")
    for path in ("/search/", "/api/ruche/v1/search/"):
        for word in (mark("secpost"), "Omega"):
            answers = [
                client.get(query_url(path, q=word, community=pk), headers=headers)
                for pk in (world.secret.pk, MISSING_ID)
            ]
            assert answers[0].status_code == answers[1].status_code, path
            assert not any(leaked(content(a), [word]) for a in answers), path


def test_a_route_nothing_fills_fails_the_sweep_with_its_name(world):
    sweep = Sweep(world, Client(), {}, unsafe=False)
    sweep.sweep_route(Route("gadgets/<id:gadget_id>/", "shop:gadget", ["GET"]), slots_of(world))
    assert sweep.problems == ["gadgets/<id:gadget_id>/ (shop:gadget): nothing fills <gadget_id>"]
    assert sweep.requests == 0
