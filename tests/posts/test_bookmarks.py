"""Save for later: a post's menu keeps it in "Saved posts", shown only while one may still read it."""

from ruche.communities.models import Community
from ruche.communities.services import community_leave
from ruche.posts.models import Bookmark
from ruche.posts.services import post_create


def test_a_saved_post_is_listed_and_marked_until_taken_off(client, alice, bruno):
    post = post_create(author=bruno, body="Le compte rendu du CODIR")
    client.force_login(alice)
    card = client.post(f"/posts/{post.pk}/save/", {"saved": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Remove from saved posts" in card and "🔖" in card
    assert "Le compte rendu du CODIR" in client.get("/saved/").content.decode()
    client.post(f"/posts/{post.pk}/save/", {"saved": "1"})  # twice: still one
    assert Bookmark.objects.count() == 1
    client.post(f"/posts/{post.pk}/save/", {"saved": "0"})
    assert "Le compte rendu du CODIR" not in client.get("/saved/").content.decode()
    assert "Nothing saved yet" in client.get("/saved/").content.decode()


def test_a_reply_saves_its_thread(client, alice, bruno):
    post = post_create(author=bruno, body="Question du jour")
    reply = post_create(author=alice, body="Ma réponse", parent=post)
    client.force_login(alice)
    client.post(f"/posts/{reply.pk}/save/", {"saved": "1"})
    assert list(Bookmark.objects.values_list("post_id", flat=True)) == [post.pk]


def test_nobody_saves_what_they_cannot_read_and_a_post_no_longer_readable_leaves_the_list(
    client, alice, bruno, make_community
):
    secret = make_community("Fusion", visibility=Community.Visibility.SECRET, members=[bruno, alice])
    post = post_create(author=bruno, body="Le projet de rachat", communities=[secret])
    client.force_login(alice)
    client.post(f"/posts/{post.pk}/save/", {"saved": "1"})
    assert "Le projet de rachat" in client.get("/saved/").content.decode()
    community_leave(community=secret, user=alice)
    assert "Le projet de rachat" not in client.get("/saved/").content.decode()
    client.force_login(secret.memberships.get(role="owner").user)
    assert client.get("/saved/").status_code == 200


def test_an_outsider_gets_404_and_saves_nothing(client, alice, bruno, make_community):
    secret = make_community("Fusion", visibility=Community.Visibility.SECRET, members=[bruno])
    post = post_create(author=bruno, body="Le projet de rachat", communities=[secret])
    client.force_login(alice)
    assert client.post(f"/posts/{post.pk}/save/", {"saved": "1"}).status_code == 404
    assert not Bookmark.objects.exists()


def test_the_api_saves_lists_and_forgets(api_as, alice, bruno):
    post = post_create(author=bruno, body="Note de service")
    api = api_as(alice)
    assert api.put(f"/posts/{post.pk}/bookmark").status_code == 204
    assert api.get(f"/posts/{post.pk}").json()["saved"] is True
    assert [p["id"] for p in api.get("/feed/saved").json()["items"]] == [post.pk]
    assert api.delete(f"/posts/{post.pk}/bookmark").status_code == 204
    assert api.get("/feed/saved").json()["items"] == []
