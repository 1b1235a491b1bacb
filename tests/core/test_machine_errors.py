"""Programs reading Ruche's machine interfaces get errors in their standard's shape, never an HTML
page, even when no view ran: bad input refused by the input guard, an unknown path."""

import json

import pytest

from ruche.core.machine import register_error_shape, shape_for

pytestmark = pytest.mark.django_db


def test_the_longest_prefix_decides():
    assert shape_for("/api/ruche/v1/feed") is not shape_for("/api/v1/timelines/home")
    assert shape_for("/scim/v2/Users") is not None and shape_for("/people/") is None
    with pytest.raises(ValueError):
        register_error_shape("/scim/", lambda status, message: None)


def test_scim_bad_input_is_a_scim_error(client):
    response = client.post(
        "/scim/v2/Users",
        data=json.dumps({"userName": "a\x00b"}).encode(),
        content_type="application/scim+json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"] and body["status"] == "400"


def test_mastodon_bad_input_and_unknown_paths_are_mastodon_errors(client):
    response = client.post("/api/v1/statuses", {"status": "a\x00b"})
    assert response.status_code == 400 and set(response.json()) == {"error"}
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and set(response.json()) == {"error"}
    response = client.post("/oauth/token", {"grant_type": "x\x00"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_a_page_keeps_its_html(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
