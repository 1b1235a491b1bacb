"""A business tool posts to an integration's address: the post appears in the community as the
integration, through the posts' own service; every bad request is refused and writes nothing."""

import json
import socket
import time

import pytest
from django.test import Client

from ruche.communities.models import Placement
from ruche.notifications.models import Notification
from ruche.posts.models import Post
from ruche.search.selectors import search
from tests.bodies import cut_post

pytestmark = pytest.mark.django_db


def test_markdown_in_the_body_posts_in_the_community_as_the_integration(
    client, community, alice, hook, post_to, side_effects
):
    with side_effects():
        response = post_to(hook, "Build **#1234** passed for @alice.martin #ci")
    assert response.status_code == 201
    data = response.json()
    post = Post.objects.get(pk=data["id"])
    assert data["url"].endswith(f"/posts/{post.pk}/") and data["status"] == "published"
    assert post.author == hook.integration.bot and "<strong>" in post.body_html
    assert post.placements.get().community == community
    assert 'href="/tags/ci/"' in post.body_html  # hashtags link
    assert Notification.objects.filter(recipient=alice, kind="mention", post=post).exists()
    client.force_login(alice)
    page = client.get(community.get_absolute_url()).content.decode()
    assert "CI Jenkins" in page and "pill-integration" in page and "#1234" in page
    results = search(viewer=alice, query="1234")
    assert any(hit.object.pk == post.pk for group in results.groups for hit in group.hits)


def test_json_with_a_title_and_the_secret_in_a_bearer_header(hook, post_to):
    body = json.dumps({"title": "Alerte disque", "text": "Serveur *srv-12* : 95 %"})
    response = post_to(hook, body, "application/json", in_path=False, Authorization=f"Bearer {hook.secret}")
    assert response.status_code == 201
    assert Post.objects.get().body == "**Alerte disque**\n\nServeur *srv-12* : 95 %"


def test_slacks_shape_and_a_markdown_key_with_the_x_ruche_token_header(hook, post_to):
    slack = json.dumps({"text": "Déploiement terminé", "username": "ignored", "icon_emoji": ":ok:"})
    assert (
        post_to(hook, slack, "application/json", in_path=False, X_Ruche_Token=hook.secret).status_code == 201
    )
    markdown = json.dumps({"markdown": "- un\n- deux"})
    assert (
        post_to(hook, markdown, "application/json", in_path=False, X_Ruche_Token=hook.secret).status_code
        == 201
    )
    assert [p.body for p in Post.objects.order_by("pk")] == ["Déploiement terminé", "- un\n- deux"]


def test_no_csrf_and_no_session_needed(hook):
    client = Client(enforce_csrf_checks=True)
    path = f"/hooks/in/{hook.integration.public_id}/{hook.secret}/"
    assert client.post(path, "hello", content_type="text/plain").status_code == 201


def test_a_moderated_community_queues_it_like_any_post(make_community, owner, post_to):
    from ruche.integrations.services import integration_create

    moderated = make_community("Qualité", owner=owner, premoderate_posts=True)
    made = integration_create(community=moderated, by=owner, name="CRM")
    response = post_to(made, "Nouveau client signé")
    assert response.status_code == 201 and response.json()["status"] == "awaiting_approval"
    assert Placement.objects.get().status == Placement.Status.PENDING


def test_a_private_communitys_post_is_for_its_members_only(
    client, private_community, owner, alice, bruno, post_to
):
    from ruche.integrations.services import integration_create

    made = integration_create(community=private_community, by=owner, name="Paie")
    post = Post.objects.get(pk=post_to(made, "Clôture de la paie #confidentiel").json()["id"])
    client.force_login(alice)
    assert client.get(f"/posts/{post.pk}/").status_code == 200
    client.force_login(bruno)
    assert client.get(f"/posts/{post.pk}/").status_code == 404
    assert "Clôture" not in client.get("/company/").content.decode()
    assert not any(g.hits for g in search(viewer=bruno, query="Clôture").groups)


@pytest.mark.parametrize(
    ("secret", "status", "words"),
    [("", 401, "secret is missing"), ("not-the-secret", 403, "secret is wrong")],
)
def test_a_missing_or_wrong_secret_is_refused_and_nothing_written(hook, post_to, secret, status, words):
    response = post_to(hook, "hello", secret=secret, in_path=bool(secret))
    assert response.status_code == status and words in response.json()["error"]
    response = post_to(hook, "hello", in_path=False, Authorization="Bearer nope")
    assert response.status_code == 403
    assert not Post.objects.exists()


def test_an_unknown_address_is_404(client):
    response = client.post("/hooks/in/0123456789abcdef/whatever/", "hello", content_type="text/plain")
    assert response.status_code == 404 and "error" in response.json()
    assert client.get("/hooks/in/0123456789abcdef/").status_code == 405  # POST only


def test_a_paused_integration_is_410(hook, post_to):
    from ruche.integrations.services import integration_pause

    integration_pause(integration=hook.integration, by=hook.integration.created_by, paused=True)
    response = post_to(hook, "hello")
    assert response.status_code == 410 and "paused" in response.json()["error"]
    assert not Post.objects.exists()


def test_a_10_mb_body_is_refused_with_413(hook, post_to):
    big = "x" * (10 * 1024 * 1024)
    for content_type in ("text/plain", "application/json"):
        response = post_to(hook, big, content_type)
        assert response.status_code == 413 and "64 KB" in response.json()["error"]
    assert not Post.objects.exists()


def test_a_body_over_the_limit_is_refused_even_without_content_length(hook, settings):
    """Read no further than the limit: a chunked body that passes it is refused."""
    from django.test import RequestFactory

    from ruche.integrations.incoming import incoming

    settings.INCOMING_WEBHOOK_MAX_BYTES = 1024
    request = RequestFactory().post(
        f"/hooks/in/{hook.integration.public_id}/{hook.secret}/", "y" * 5000, content_type="text/plain"
    )
    del request.META["CONTENT_LENGTH"]
    response = incoming(request, hook.integration.public_id, hook.secret)
    assert response.status_code == 413 and not Post.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_10_mb_body_is_refused_before_it_is_sent(live_server, make_community, make_user):
    """Through a real server: the answer comes after the headers, while 10 MB are still to send."""
    from ruche.integrations.services import integration_create

    owner = make_user("Olivia", "Owner")
    made = integration_create(community=make_community("Usine", owner=owner), by=owner, name="CI")
    host, port = live_server.url.removeprefix("http://").split(":")
    path = f"/hooks/in/{made.integration.public_id}/{made.secret}/"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: text/plain\r\n"
        f"Content-Length: {10 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + b"x" * 1024)  # 1 KB of the 10 MB announced
        started = time.monotonic()
        answer = sock.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413") and time.monotonic() - started < 5
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "words"),
    [
        ("{not json", "application/json", 400, "not valid JSON"),
        ('["a list"]', "application/json", 400, "must be an object"),
        ('{"text": 12}', "application/json", 400, "must be strings"),
        ('{"text": "   "}', "application/json", 400, "empty"),
        ("  \n ", "text/markdown", 400, "empty"),
        ("a=b", "application/x-www-form-urlencoded", 415, "text/markdown"),
        ('{"text": "nul \\u0000 here"}', "application/json", 400, "null character"),
    ],
)
def test_bad_bodies_are_400_and_nothing_written(hook, post_to, body, content_type, status, words):
    response = post_to(hook, body, content_type)
    assert response.status_code == status and words in response.json()["error"]
    assert not Post.objects.exists()


def test_a_post_longer_than_a_post_may_be_is_400_with_the_limit(hook, post_to, settings):
    settings.POST_MAX_LENGTH = 100
    response = post_to(hook, "z" * 101)
    assert response.status_code == 400 and "100 characters" in response.json()["error"]
    assert not Post.objects.exists()


def test_the_rate_is_limited_per_integration(hook, post_to, settings, community, owner):
    from ruche.integrations.services import integration_create

    settings.INCOMING_WEBHOOK_PER_MINUTE = 2
    assert [post_to(hook, f"n{i}").status_code for i in range(2)] == [201, 201]
    response = post_to(hook, "n3")
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    assert Post.objects.count() == 2
    other = integration_create(community=community, by=owner, name="CRM")
    assert post_to(other, "another integration has its own count").status_code == 201


def test_an_archived_community_refuses_with_403(hook, post_to, community):
    from django.utils import timezone

    community.archived_at = timezone.now()
    community.save()
    response = post_to(hook, "hello")
    assert response.status_code == 403 and "archived" in response.json()["error"]
    assert not Post.objects.exists()


def test_a_body_cut_off_is_a_400_and_posts_nothing(client, hook, caplog):
    """The incoming view reads its own body (ruche/core/input.py): a connection failing under it is
    the sender's fault, not a server error."""
    path = f"/hooks/in/{hook.integration.public_id}/{hook.secret}/"
    response = cut_post(client, path, ("Build passed " * 100).encode(), "text/plain")
    assert response.status_code == 400
    assert not Post.objects.exists()
    assert not [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
