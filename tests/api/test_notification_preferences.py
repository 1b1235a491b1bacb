"""Notification preferences and muted conversations through the API."""

import pytest

from ruche.communities.models import Community
from ruche.notifications.models import CommunityPreference, DigestPreference, KindPreference, ThreadMute
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db


def test_read_the_defaults(alice, api_as, make_community, django_assert_max_num_queries):
    club = make_community("Club photo", members=[alice])
    api = api_as(alice)
    with django_assert_max_num_queries(8):
        data = api.get("/notifications/preferences").json()
    mention = next(k for k in data["kinds"] if k["kind"] == "mention")
    assert mention == {"kind": "mention", "label": "Mention", "in_app": True, "email": True, "digest": True}
    assert data["digest"] == "weekly" and data["muted_threads"] == []
    assert data["communities"] == [{"community_id": club.pk, "name": "Club photo", "level": "all"}]


def test_change_some_and_keep_the_rest(alice, bruno, api_as, make_community, side_effects):
    club = make_community("Club photo", members=[alice])
    api = api_as(alice)
    response = api.patch(
        "/notifications/preferences",
        {"kinds": {"reaction": {"email": True}, "mention": {"digest": False}}, "digest": "daily",
         "communities": {str(club.pk): "mute"}},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    data = response.json()
    reaction = next(k for k in data["kinds"] if k["kind"] == "reaction")
    assert reaction["email"] is True and reaction["in_app"] is True
    assert data["digest"] == "daily" and data["communities"][0]["level"] == "mute"
    assert KindPreference.objects.count() == 2 and DigestPreference.objects.get().frequency == "daily"
    with side_effects():
        post = post_create(author=bruno, body="Un fil")
    assert api.post(f"/notifications/threads/{post.pk}/mute").status_code == 204
    assert api.get("/notifications/preferences").json()["muted_threads"] == [post.pk]
    assert api.delete(f"/notifications/threads/{post.pk}/mute").status_code == 204
    assert not ThreadMute.objects.exists()


@pytest.mark.parametrize(
    "payload,field,status",
    [
        ({"kinds": {"nope": {"email": True}}}, "kind", 400),
        ({"digest": "hourly"}, "digest", 422),
        ({"communities": {"999999": "mute"}}, "community", 400),
        ({"communities": {"1": "loud"}}, "communities", 422),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(alice, api_as, payload, field, status):
    response = api_as(alice).patch("/notifications/preferences", {"digest": "daily", **payload})
    assert response.status_code == status
    assert response.json()["field"].startswith(field)
    assert not KindPreference.objects.exists() and not DigestPreference.objects.exists()


def test_a_secret_community_or_post_one_cannot_see(alice, bruno, api_as, make_community, side_effects):
    secret = make_community("Secret", visibility=Community.Visibility.SECRET, owner=bruno)
    with side_effects():
        post = post_create(author=bruno, body="Privé", communities=[secret])
    api = api_as(alice)
    response = api.patch("/notifications/preferences", {"communities": {str(secret.pk): "mute"}})
    assert response.status_code == 400 and response.json()["field"] == "community"
    assert not CommunityPreference.objects.exists()
    assert api.post(f"/notifications/threads/{post.pk}/mute").status_code == 404
