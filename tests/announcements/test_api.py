"""Announcements through the JSON API."""

import pytest

from ruche.announcements.models import Announcement
from ruche.announcements.services import announcement_publish

pytestmark = pytest.mark.django_db


def publish(author, **fields):
    fields.setdefault("title", "Nouvelle mutuelle")
    fields.setdefault("body", "Les détails **ici**.")
    return announcement_publish(author=author, **fields)


def test_received_and_pinned_then_acknowledge(announcer, alice, api_as):
    a = publish(announcer, everyone=True, requires_ack=True)
    api = api_as(alice)
    data = api.get("/announcements/").json()
    item = data["items"][0]
    assert item["announcement"]["title"] == "Nouvelle mutuelle" and item["pinned"] is True
    assert item["announcement"]["author"]["handle"] == announcer.handle
    assert [r["announcement"]["id"] for r in api.get("/announcements/pinned").json()] == [a.pk]
    response = api.post(f"/announcements/{a.pk}/acknowledge")
    assert (
        response.status_code == 200 and response.json()["acknowledged_at"] and not response.json()["pinned"]
    )
    assert api.get("/announcements/pinned").json() == []


def test_dismiss_refused_when_confirmation_is_asked(announcer, alice, api_as):
    a = publish(announcer, everyone=True, requires_ack=True)
    response = api_as(alice).post(f"/announcements/{a.pk}/dismiss")
    assert response.status_code == 400


def test_receipts_for_the_author_only(announcer, alice, bruno, org, place, api_as):
    place(alice, department=org["sales"])
    a = publish(announcer, everyone=True)
    assert api_as(alice).get(f"/announcements/{a.pk}/receipts").status_code == 403
    data = api_as(announcer).get(f"/announcements/{a.pk}/receipts").json()
    assert (data["recipients"], data["read"], data["waiting_count"]) == (2, 0, 2)
    assert {d["name"] for d in data["departments"]} == {"", "Ventes"}
    assert {w["person"]["handle"] for w in data["waiting"]} == {alice.handle, bruno.handle}


def test_outside_the_audience_is_404(announcer, alice, bruno, org, place, api_as):
    place(alice, department=org["sales"])
    a = publish(announcer, departments=[org["sales"]])
    api = api_as(bruno)
    assert api.post(f"/announcements/{a.pk}/acknowledge").status_code == 404
    assert api.get(f"/announcements/{a.pk}/receipts").status_code == 404


def test_publish_and_its_refusals_name_the_field(announcer, alice, org, api_as):
    api = api_as(announcer)
    response = api.post(
        "/announcements/", {"title": "Rien", "body": "Personne", "site_ids": [org["lyon"].pk]}
    )
    assert response.status_code == 400 and "audience" in response.content.decode()
    response = api.post("/announcements/", {"title": "Rien", "body": "x", "department_ids": [999999]})
    assert response.status_code == 400 and "department_ids" in response.content.decode()
    assert not Announcement.objects.exists()
    response = api.post("/announcements/", {"title": "Tous", "body": "Bonjour", "everyone": True})
    assert response.status_code == 201 and response.json()["recipient_count"] == 1
    assert (
        api_as(alice).post("/announcements/", {"title": "x", "body": "y", "everyone": True}).status_code
        == 403
    )


@pytest.mark.parametrize("n", [2, 10])
def test_list_query_count(announcer, alice, api_as, queries_of, n):
    for i in range(n):
        publish(announcer, everyone=True, title=f"Annonce {i}")
    api = api_as(alice)
    count, response = queries_of(lambda: api.get("/announcements/"))
    assert len(response.json()["items"]) == n
    assert count <= 4
