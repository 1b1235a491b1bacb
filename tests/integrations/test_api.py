"""The JSON API over the same services: a community's managers list, create, pause, regenerate and
delete its incoming webhooks; anyone else is refused."""

import pytest

from ruche.communities.models import Community
from ruche.integrations.models import Integration

pytestmark = pytest.mark.django_db


def test_an_owner_manages_integrations_through_the_api(client, api_as, community, owner):
    api = api_as(owner)
    made = api.post(f"/communities/{community.slug}/integrations", {"name": "CI Jenkins"})
    assert made.status_code == 201
    data = made.json()
    assert data["address_with_secret"] == f"{data['address']}{data['secret']}/"
    posted = client.post(data["address_with_secret"], "hello", content_type="text/plain")
    assert posted.status_code == 201
    listed = api.get(f"/communities/{community.slug}/integrations").json()["items"]
    assert [i["name"] for i in listed] == ["CI Jenkins"] and "secret" not in listed[0]
    base = f"/communities/{community.slug}/integrations/{data['id']}"
    assert api.put(f"{base}/paused", {"paused": True}).json()["paused"] is True
    assert client.post(data["address_with_secret"], "x", content_type="text/plain").status_code == 410
    api.put(f"{base}/paused", {"paused": False})
    new = api.post(f"{base}/secret").json()
    assert client.post(data["address_with_secret"], "x", content_type="text/plain").status_code == 403
    assert client.post(new["address_with_secret"], "x", content_type="text/plain").status_code == 201
    assert api.delete(base).status_code == 204 and not Integration.objects.exists()


def test_a_member_is_refused_and_an_outsider_of_a_secret_community_gets_404(
    api_as, community, alice, bruno, make_community, owner, hook
):
    member = api_as(alice)
    assert member.get(f"/communities/{community.slug}/integrations").status_code == 403
    assert member.post(f"/communities/{community.slug}/integrations", {"name": "X"}).status_code == 403
    base = f"/communities/{community.slug}/integrations/{hook.integration.pk}"
    assert member.delete(base).status_code == 403
    secret = make_community("Projet X", owner=owner, visibility=Community.Visibility.SECRET)
    outsider = api_as(bruno)
    assert outsider.post(f"/communities/{secret.slug}/integrations", {"name": "X"}).status_code == 404
    assert Integration.objects.count() == 1


def test_a_name_too_long_or_empty_is_refused(api_as, community, owner):
    api = api_as(owner)
    assert api.post(f"/communities/{community.slug}/integrations", {"name": "x" * 81}).status_code == 422
    response = api.post(f"/communities/{community.slug}/integrations", {"name": "  "})
    assert response.status_code == 400 and not Integration.objects.exists()
