"""Video rooms: started from a community or a post, announced, joinable by members only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ruche.communities.models import Community, Placement
from ruche.posts.services import post_create
from ruche.rooms.models import VideoRoom
from ruche.rooms.services import room_end, room_start
from tests.rooms.conftest import VIDEO

pytestmark = pytest.mark.django_db
Visibility = Community.Visibility


@pytest.fixture
def private(make_community, alice, bruno):
    return make_community("Projet Atlas", visibility=Visibility.PRIVATE, owner=alice, members=[bruno])


def test_a_member_starts_a_room_announced_in_the_community(private, bruno):
    room = room_start(by=bruno, community=private, topic="Point hebdo")
    assert room.video_url.startswith(VIDEO + "/Ruche-") and len(room.name) > 25
    assert VideoRoom.objects.exclude(pk=room.pk).filter(name=room.name).count() == 0
    post = room.announcement
    assert Placement.objects.filter(post=post, community=private, status="approved").exists()
    assert f"/rooms/{room.pk}/" in post.body_html and "Point hebdo" in post.body_html
    assert room.video_url not in post.body  # the raw address is only given after the access check


def test_room_names_are_unguessable(private, bruno):
    names = {room_start(by=bruno, community=private).name for _ in range(3)}
    assert len(names) == 3


def test_a_non_member_cannot_start_one(private, make_user):
    with pytest.raises(PermissionDenied):
        room_start(by=make_user("Nina", "Outside"), community=private)
    assert not VideoRoom.objects.exists()


def test_disabled_without_a_base_url(private, bruno, settings, client):
    settings.VIDEO_BASE_URL = ""
    with pytest.raises(ValidationError):
        room_start(by=bruno, community=private)
    client.force_login(bruno)
    assert "Start a video room" not in client.get(private.get_absolute_url()).content.decode()


def test_member_joins_non_member_gets_404(client, private, bruno, make_user):
    room = room_start(by=bruno, community=private)
    client.force_login(bruno)
    page = client.get(f"/rooms/{room.pk}/").content.decode()
    assert room.video_url in page and "Join the video room" in page
    response = client.get(f"/rooms/{room.pk}/join/")
    assert response.status_code == 302 and response["Location"] == room.video_url
    client.force_login(make_user("Nina", "Outside"))
    assert client.get(f"/rooms/{room.pk}/").status_code == 404
    assert client.get(f"/rooms/{room.pk}/join/").status_code == 404


def test_public_community_readers_see_the_room_members_join(client, make_community, alice, bruno):
    public = make_community("Café", owner=alice)
    room = room_start(by=alice, community=public)
    client.force_login(bruno)
    page = client.get(f"/rooms/{room.pk}/").content.decode()
    assert "Only the members of the community can join" in page and room.video_url not in page
    assert client.get(f"/rooms/{room.pk}/join/").status_code == 403


def test_start_from_a_post_is_announced_in_its_thread(client, alice, bruno, make_user):
    post = post_create(author=alice, body="Qui est dispo pour en parler ?")
    client.force_login(bruno)
    assert "Start a video room" in client.get(f"/posts/{post.pk}/").content.decode()
    response = client.post(f"/posts/{post.pk}/room/", {"topic": "On en parle"})
    room = VideoRoom.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rooms/{room.pk}/"
    assert room.origin_post == post and room.announcement.parent == post
    assert client.get(f"/rooms/{room.pk}/join/")["Location"] == room.video_url


def test_room_from_a_private_post_stays_inside(client, private, bruno, make_user):
    post = post_create(author=bruno, body="Réunion ?", communities=[private])
    room = room_start(by=bruno, post=post)
    client.force_login(make_user("Nina", "Outside"))
    assert client.get(f"/rooms/{room.pk}/join/").status_code == 404


def test_creator_or_moderator_ends_it_members_cannot(client, private, alice, bruno, make_user, add_member):
    room = room_start(by=alice, community=private)
    with pytest.raises(PermissionDenied):
        room_end(room=room, by=bruno)
    client.force_login(alice)
    client.post(f"/rooms/{room.pk}/end/")
    room.refresh_from_db()
    assert room.is_ended and room.ended_by == alice
    client.force_login(bruno)
    assert "This video room has ended" in client.get(f"/rooms/{room.pk}/").content.decode()
    assert client.get(f"/rooms/{room.pk}/join/").status_code == 403
    moderator = make_user("Mo", "Derator")
    add_member(private, moderator, "moderator")
    other = room_start(by=bruno, community=private)
    assert room_end(room=other, by=moderator).is_ended


def test_start_from_the_community_page(client, private, bruno):
    client.force_login(bruno)
    page = client.get(private.get_absolute_url()).content.decode()
    assert "Start a video room" in page
    response = client.post(f"/communities/{private.slug}/rooms/new/", {"topic": "Démo"})
    room = VideoRoom.objects.get()
    assert response["Location"] == f"/rooms/{room.pk}/"
    feed = client.get(private.get_absolute_url()).content.decode()
    assert "Join the video room" in feed and f"/rooms/{room.pk}/" in feed


def test_topic_too_long_is_refused(client, private, bruno):
    client.force_login(bruno)
    response = client.post(f"/communities/{private.slug}/rooms/new/", {"topic": "x" * 200}, follow=True)
    assert "A topic is limited to 120 characters." in response.content.decode()
    assert not VideoRoom.objects.exists()
