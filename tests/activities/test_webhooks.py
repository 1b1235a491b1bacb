"""Outgoing webhooks, against a real receiver on 127.0.0.1 (tests/local_sites.py): signed deliveries,
no private address at registration or at delivery, retries with backoff, pausing, the pages."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ruche.activities import services
from ruche.activities.models import WebhookDelivery, WebhookEndpoint
from ruche.communities.models import Membership
from ruche.notifications.models import Email
from ruche.posts.services import post_create
from ruche.worker.models import Task
from tests.activities.as2 import AS, expand
from tests.local_sites import LocalSite

Status = WebhookDelivery.Status


@pytest.fixture
def receiver(settings):
    with LocalSite({"/hook": (200, {"Content-Type": "text/plain"}, b"merci\x00\x1b[31m")}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        settings.FETCH_TIMEOUT_SECONDS = 3
        yield site


@pytest.fixture
def failing(settings):
    with LocalSite({"/hook": (500, {}, b"<h1>Internal error</h1>" + b"x" * 2000)}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        settings.FETCH_TIMEOUT_SECONDS = 3
        yield site


def _register(by, site, community=None, types=("Create",)):
    return services.endpoint_create(
        by=by, community=community, name="CRM", url=site.url("/hook"), types=list(types)
    )


def _verify(secret: str, request: dict) -> dict:
    """What a receiver does (docs/webhooks.md): recompute the signature, refuse an old timestamp."""
    headers = request["headers"]
    timestamp = headers["X-Ruche-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(headers["X-Ruche-Signature"], f"sha256={expected}")
    assert abs(timezone.now().timestamp() - int(timestamp)) < 300
    return json.loads(request["body"])


def test_a_signed_delivery_reaches_the_receiver(admin, alice, receiver, side_effects):
    endpoint = _register(admin, receiver)
    with side_effects():
        post = post_create(author=alice, body="Bonjour **tous**")
    [request] = receiver.requests
    assert request["method"] == "POST" and request["headers"]["Content-Type"] == "application/activity+json"
    assert "Cookie" not in request["headers"] and "Authorization" not in request["headers"]
    body = _verify(endpoint.secret, request)
    assert body["@context"] == "https://www.w3.org/ns/activitystreams" and body["type"] == "Create"
    assert body["object"]["content"] == "<p>Bonjour <strong>tous</strong></p>"
    [node] = expand(body)
    assert node["@type"] == [AS + "Create"]
    delivery = WebhookDelivery.objects.get()
    assert request["headers"]["X-Ruche-Delivery"] == str(delivery.uid)
    assert request["headers"]["X-Ruche-Event"] == "Create"
    assert (
        delivery.status == Status.SUCCEEDED
        and delivery.status_code == 200
        and delivery.duration_ms is not None
    )
    assert delivery.response_excerpt == "merci[31m"  # control characters removed
    assert delivery.activity.post == post


def test_a_tampered_body_does_not_verify(admin, alice, receiver, side_effects):
    endpoint = _register(admin, receiver)
    with side_effects():
        post_create(author=alice, body="Bonjour")
    request = dict(receiver.requests[0])
    request["body"] = request["body"].replace(b"Bonjour", b"Bonsoir")
    with pytest.raises(AssertionError):
        _verify(endpoint.secret, request)


def test_only_the_types_asked_for_are_sent(admin, alice, bruno, receiver, side_effects):
    _register(admin, receiver, types=["Like"])
    with side_effects():
        post_create(author=alice, body="Bonjour")
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hook", "private network"),
        ("https://10.1.2.3/hook", "private network"),
        ("https://[::ffff:192.168.0.1]/hook", "private network"),
        ("http://example.com/hook", "must start with https://"),
        ("ftp://example.com/hook", "must start with https://"),
        ("https://user:pw@example.com/hook", "user name or password"),
        ("", "Enter the receiver"),
    ],
)
def test_registration_refuses_private_and_bad_addresses(admin, settings, url, message):
    settings.FETCH_ALLOWED_PORTS = [443]
    with pytest.raises(ValidationError, match=message):
        services.endpoint_create(by=admin, community=None, name="CRM", url=url, types=["Create"])
    assert not WebhookEndpoint.objects.exists()


def test_a_local_receiver_not_allowed_is_refused_without_a_connection(admin, settings):
    with LocalSite({"/hook": (200, {}, b"ok")}) as site:
        settings.FETCH_ALLOWED_PORTS = [site.port]
        with pytest.raises(ValidationError, match="private network"):
            services.endpoint_create(
                by=admin,
                community=None,
                name="x",
                url=site.url("/hook").replace("http:", "https:"),
                types=["Create"],
            )
        assert site.connections == 0


def test_the_delivery_checks_the_address_again(admin, alice, receiver, settings, side_effects):
    """The name's addresses (or the administrator's list) can change after registration."""
    _register(admin, receiver)
    settings.FETCH_ALLOWED_HOSTS = []
    settings.FETCH_ALLOWED_PORTS = [receiver.port]
    with side_effects():
        post_create(author=alice, body="Bonjour")
    assert receiver.connections == 0
    first = WebhookDelivery.objects.get(attempt=1)
    assert first.status == Status.FAILED and "private network" in first.error


def test_a_failing_receiver_is_retried_with_backoff_and_each_attempt_recorded(
    admin, alice, failing, side_effects
):
    _register(admin, failing)
    with side_effects():
        post_create(author=alice, body="Bonjour")
    for attempt in range(2, 7):
        waiting = WebhookDelivery.objects.get(attempt=attempt)
        previous = WebhookDelivery.objects.get(attempt=attempt - 1)
        assert waiting.status == Status.PENDING and waiting.uid == previous.uid
        pause = (previous.next_attempt_at - previous.started_at).total_seconds()
        assert services.BACKOFF[attempt - 2] - 5 <= pause <= services.BACKOFF[attempt - 2] + 5
        services.delivery_attempt(delivery_id=waiting.pk)
    attempts = list(WebhookDelivery.objects.order_by("attempt"))
    assert [d.attempt for d in attempts] == [1, 2, 3, 4, 5, 6]
    assert [d.status for d in attempts] == [Status.FAILED] * 5 + [Status.GAVE_UP]
    assert all(d.status_code == 500 and len(d.response_excerpt) == 500 for d in attempts)
    assert attempts[-1].next_attempt_at is None
    assert len(failing.requests) == 6
    assert len({r["headers"]["X-Ruche-Delivery"] for r in failing.requests}) == 1
    assert WebhookEndpoint.objects.get().failing_since is not None


def test_each_retry_is_a_task_due_after_its_pause(admin, alice, failing, side_effects):
    _register(admin, failing)
    with side_effects():
        post_create(author=alice, body="Bonjour")
    retry = WebhookDelivery.objects.get(attempt=2)
    due = Task.objects.filter(task_path__endswith="webhook_deliver", status=Task.Status.READY).get()
    assert due.args_kwargs["kwargs"] == {"delivery_id": retry.pk}
    assert due.run_after >= timezone.now() + datetime.timedelta(seconds=50)


def test_a_delivery_run_twice_is_sent_once(admin, alice, receiver, side_effects):
    _register(admin, receiver)
    with side_effects():
        post_create(author=alice, body="Bonjour")
    delivery = WebhookDelivery.objects.get()
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    assert len(receiver.requests) == 1


def test_an_endpoint_failing_for_days_is_paused_and_its_owner_told(admin, alice, failing, side_effects):
    endpoint = _register(admin, failing)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - datetime.timedelta(days=4)
    )
    with side_effects():
        post_create(author=alice, body="Bonjour")
    endpoint.refresh_from_db()
    assert not endpoint.active and "3 days" in endpoint.paused_reason
    email = Email.objects.get(recipient=admin, kind="webhook_paused")
    assert "CRM" in email.subject and "paused" in email.text
    assert not WebhookDelivery.objects.filter(attempt=2).exists()  # no retry for a paused endpoint
    with side_effects():
        post_create(author=alice, body="Encore")
    assert len(failing.requests) == 1  # paused: nothing more is sent


def test_a_community_endpoint_gets_its_communitys_activities_only(
    make_community, alice, bruno, receiver, side_effects
):
    community = make_community("Vélo", members=[alice])
    owner = community.created_by
    endpoint = _register(owner, receiver, community=community)
    with side_effects():
        post_create(author=alice, body="Dans la communauté", communities=[community])
        post_create(author=alice, body="Ailleurs")
    [request] = receiver.requests
    assert _verify(endpoint.secret, request)["object"]["content"] == "<p>Dans la communauté</p>"


def test_an_endpoint_gets_only_what_its_owner_may_read_at_send_time(
    make_community, alice, receiver, side_effects
):
    community = make_community("Vélo", visibility="private", members=[alice])
    owner = community.created_by
    _register(owner, receiver, community=community)
    Membership.objects.filter(community=community, user=owner).update(role=Membership.Role.MEMBER)
    with side_effects():
        post_create(author=alice, body="Entre nous", communities=[community])
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == Status.SKIPPED


# Pages


def test_an_admin_registers_sees_the_secret_once_and_sends_a_test_event(
    client, admin, receiver, side_effects
):
    client.force_login(admin)
    response = client.post(
        "/manage/webhooks/", {"name": "CRM", "url": receiver.url("/hook"), "types": ["Create", "Like"]}
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.types == ["Create", "Like"] and endpoint.secret in response.content.decode()
    page = client.get(f"/manage/webhooks/{endpoint.pk}/")
    assert page.status_code == 200 and endpoint.secret not in page.content.decode()
    with side_effects():
        response = client.post(f"/manage/webhooks/{endpoint.pk}/", {"action": "test"})
    assert response.status_code == 302
    [request] = receiver.requests
    assert request["headers"]["X-Ruche-Event"] == "ping"
    assert _verify(endpoint.secret, request)["type"] == "Create"
    page = client.get(f"/manage/webhooks/{endpoint.pk}/").content.decode()
    assert "ping" in page and "Delivered" in page and "HTTP 200" in page


def test_bad_input_on_the_page_is_a_clear_message(client, admin, settings):
    settings.FETCH_ALLOWED_PORTS = [443]
    client.force_login(admin)
    response = client.post("/manage/webhooks/", {"name": "", "url": "https://127.0.0.1/", "types": []})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Give this webhook a name" in text and "private network" in text and "at least one kind" in text
    assert not WebhookEndpoint.objects.exists()


def test_pause_resume_edit_and_delete(client, admin, receiver):
    client.force_login(admin)
    endpoint = _register(admin, receiver)
    url = f"/manage/webhooks/{endpoint.pk}/"
    client.post(url, {"action": "pause"})
    endpoint.refresh_from_db()
    assert not endpoint.active
    client.post(url, {"action": "resume"})
    endpoint.refresh_from_db()
    assert endpoint.active
    response = client.post(
        url, {"action": "edit", "name": "ERP", "url": receiver.url("/hook"), "types": ["Follow"]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.name == "ERP" and endpoint.types == ["Follow"]
    client.post(url, {"action": "delete"})
    assert not WebhookEndpoint.objects.exists()


def test_who_may_manage_webhooks(client, make_community, make_user, alice, bruno, admin, receiver):
    community = make_community("Vélo", members=[alice])
    other = make_community("Course", owner=bruno)
    endpoint = _register(community.created_by, receiver, community=community)
    assert client.get("/manage/webhooks/").status_code == 302  # anonymous: to the sign-in page
    client.force_login(alice)  # a member, not an owner
    assert client.get(f"/communities/{community.slug}/webhooks/").status_code == 403
    assert client.get(f"/communities/{community.slug}/webhooks/{endpoint.pk}/").status_code == 403
    assert client.get("/manage/webhooks/").status_code == 403
    client.force_login(bruno)  # another community's owner
    assert client.get(f"/communities/{other.slug}/webhooks/").status_code == 200
    assert client.get(f"/communities/{other.slug}/webhooks/{endpoint.pk}/").status_code == 404
    assert (
        client.post(f"/communities/{other.slug}/webhooks/{endpoint.pk}/", {"action": "delete"}).status_code
        == 404
    )
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    client.force_login(admin)  # the company's page does not show a community's endpoint
    assert client.get(f"/manage/webhooks/{endpoint.pk}/").status_code == 404
    client.force_login(community.created_by)
    assert client.get(f"/communities/{community.slug}/webhooks/{endpoint.pk}/").status_code == 200


def test_a_redirect_is_not_followed(admin, alice, settings, side_effects):
    routes = {"/hook": (302, {"Location": "/inside"}, b""), "/inside": (200, {}, b"reached")}
    with LocalSite(routes) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        _register(admin, site)
        with side_effects():
            post_create(author=alice, body="Bonjour")
        assert [r["path"] for r in site.requests] == ["/hook"]
    first = WebhookDelivery.objects.get(attempt=1)
    assert first.status == Status.FAILED and first.status_code == 302


def test_a_post_waiting_for_a_moderator_is_sent_once_approved(make_community, alice, receiver, side_effects):
    from ruche.communities.services import placement_decide

    community = make_community("Vélo", members=[alice], premoderate_posts=True)
    owner = community.created_by
    endpoint = _register(owner, receiver, community=community)
    with side_effects():
        post = post_create(author=alice, body="En attente", communities=[community])
    assert receiver.requests == []
    with side_effects():
        placement_decide(placement=post.placements.get(), by=owner, approve=True)
    [request] = receiver.requests
    assert _verify(endpoint.secret, request)["object"]["content"] == "<p>En attente</p>"
    with side_effects():  # approved again (another community, say): not sent twice
        services.activity_released(post_id=post.pk)
    assert len(receiver.requests) == 1


def test_the_test_event_is_valid_activity_streams(admin, receiver, side_effects):
    endpoint = _register(admin, receiver)
    with side_effects():
        services.endpoint_test(by=admin, endpoint=endpoint)
    [node] = expand(_verify(endpoint.secret, receiver.requests[0]))
    assert node["@type"] == [AS + "Create"] and node["@id"].startswith("urn:uuid:")


def test_old_attempts_are_trimmed_but_never_one_waiting(admin, failing, alice, side_effects):
    _register(admin, failing)
    with side_effects():
        post_create(author=alice, body="Bonjour")
    long_ago = timezone.now() - datetime.timedelta(days=31)
    WebhookDelivery.objects.update(created=long_ago)
    assert services.deliveries_trim() == 1
    assert list(WebhookDelivery.objects.values_list("attempt", "status")) == [(2, Status.PENDING)]
