"""The webhooks' JSON API: the same services and rules as the pages."""

import pytest

from ruche.activities.models import WebhookDelivery, WebhookEndpoint
from tests.local_sites import LocalSite


@pytest.fixture
def receiver(settings):
    with LocalSite({"/hook": (200, {}, b"ok")}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        yield site


def test_an_owner_registers_tests_pauses_and_deletes(api_as, make_community, receiver, side_effects):
    community = make_community("Vélo")
    api = api_as(community.created_by)
    body = {"name": "CRM", "url": receiver.url("/hook"), "types": ["Create"], "community": community.slug}
    created = api.post("/webhooks/", body)
    assert created.status_code == 201, created.content
    hook = created.json()
    assert hook["secret"] == WebhookEndpoint.objects.get().secret and hook["community"] == community.slug
    listed = api.get("/webhooks/", community=community.slug).json()["items"]
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
    assert "secret" not in api.get(f"/webhooks/{hook['id']}").json()
    with side_effects():
        assert api.post(f"/webhooks/{hook['id']}/test").status_code == 202
    [delivery] = api.get(f"/webhooks/{hook['id']}/deliveries").json()["items"]
    assert (
        delivery["event"] == "ping" and delivery["status"] == "succeeded" and delivery["status_code"] == 200
    )
    assert api.post(f"/webhooks/{hook['id']}/pause", {"paused": True}).json()["active"] is False
    assert api.delete(f"/webhooks/{hook['id']}").status_code == 204
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_a_private_address_is_a_400_naming_the_field(api_as, admin, settings):
    settings.FETCH_ALLOWED_PORTS = [443]
    response = api_as(admin).post(
        "/webhooks/", {"name": "x", "url": "https://192.168.1.10/", "types": ["Like"]}
    )
    assert response.status_code == 400 and "private network" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_who_may_use_it(api_as, make_community, alice, bruno, admin, receiver):
    community = make_community("Vélo", members=[alice])
    other = make_community("Course", owner=bruno)
    endpoint = WebhookEndpoint.objects.create(
        owner=community.created_by, community=community, name="x", url=receiver.url("/hook"), types=["Create"]
    )
    assert api_as(alice).get("/webhooks/").status_code == 403  # company-wide: administrators only
    assert api_as(alice).get("/webhooks/", community=community.slug).status_code == 403  # a member
    assert api_as(alice).get(f"/webhooks/{endpoint.pk}").status_code == 404
    assert api_as(bruno).get("/webhooks/", community=other.slug).status_code == 200
    assert api_as(bruno).delete(f"/webhooks/{endpoint.pk}").status_code == 404  # another community's owner
    assert api_as(admin).get("/webhooks/").json()["items"] == []  # a community's is not the company's
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
