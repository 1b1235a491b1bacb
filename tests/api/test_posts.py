"""Posts through the API: the same services as the browser, the same visibility, clear errors."""

import uuid

import pytest

from ruche.communities.models import Community, Placement
from ruche.posts.models import Post, PostRevision, Reaction
from ruche.posts.services import post_create, reaction_set

pytestmark = pytest.mark.django_db


def snapshot():
    """What a refused call must leave untouched."""
    return (
        list(Post.objects.order_by("id").values_list("id", "body", "deleted_at", "reply_count")),
        list(Placement.objects.values_list("post_id", "community_id")),
        list(Reaction.objects.values_list("post_id", "user_id", "kind")),
        PostRevision.objects.count(),
    )


def test_publish_a_post_for_the_company(alice, api_as, side_effects):
    with side_effects():
        response = api_as(alice).post("/posts/", {"body": "Bonjour **tout le monde** #qualite"})
    assert response.status_code == 201
    data = response.json()
    post = Post.objects.get()
    assert data["id"] == post.pk and data["body"] == "Bonjour **tout le monde** #qualite"
    assert "<strong>tout le monde</strong>" in data["body_html"]
    assert data["author"]["handle"] == alice.handle
    assert data["communities"] == [] and data["question"] is None
    assert data["created"].endswith("Z") or "+" in data["created"]


def test_publish_in_a_community(alice, api_as, make_community):
    quality = make_community("Qualité", members=[alice])
    response = api_as(alice).post("/posts/", {"body": "Pour la communauté", "communities": [quality.pk]})
    assert response.status_code == 201
    assert [c["slug"] for c in response.json()["communities"]] == ["qualite"]
    assert Placement.objects.get().community == quality


def test_a_client_token_makes_a_retry_safe(alice, api_as):
    api = api_as(alice)
    token = str(uuid.uuid4())
    first = api.post("/posts/", {"body": "Une seule fois", "client_token": token})
    again = api.post("/posts/", {"body": "Une seule fois", "client_token": token})
    assert first.json()["id"] == again.json()["id"]
    assert Post.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"body": "   "}, 400, "body"),
        ({}, 400, "body"),  # no text and no file
        ({"body": 12}, 422, "body"),
        ({"body": "x" * 10_001}, 422, "body"),
        ({"body": "ok", "communities": ["qualite"]}, 422, "communities"),
        ({"body": "ok", "client_token": "not-a-uuid"}, 422, "client_token"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(alice, api_as, payload, status, field):
    before = snapshot()
    response = api_as(alice).post("/posts/", payload)
    assert response.status_code == status
    assert response.json()["field"] == field
    assert response.json()["detail"]
    assert snapshot() == before


def test_invalid_json_is_a_400(client, alice, token_of):
    response = client.post(
        "/api/ruche/v1/posts/",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_of(alice)}"},
    )
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_one_may_not_publish_in_a_community_one_does_not_belong_to(alice, api_as, make_community):
    private = make_community("Direction", visibility=Community.Visibility.PRIVATE)
    secret = make_community("Projet X", visibility=Community.Visibility.SECRET)
    before = snapshot()
    for community in (private, secret):
        response = api_as(alice).post("/posts/", {"body": "Intrusion", "communities": [community.pk]})
        assert response.status_code == 400
        assert response.json()["field"] == "communities"
        assert community.name not in response.json()["detail"]  # the same answer as for no community at all
    assert snapshot() == before


def test_post_detail_has_all_replies_reactions_and_my_reaction(alice, bruno, api_as):
    post = post_create(author=bruno, body="Question du jour")
    replies = [post_create(author=bruno, body=f"Réponse {i}", parent=post) for i in range(5)]
    reaction_set(post=post, user=alice, kind="bravo")
    response = api_as(alice).get(f"/posts/{post.pk}")
    data = response.json()
    assert response.status_code == 200
    assert [r["id"] for r in data["replies"]] == [r.pk for r in replies]
    assert data["reactions"] == [{"kind": "bravo", "emoji": "👏", "count": 1}]
    assert data["my_reaction"] == "bravo"
    assert data["reply_count"] == 5 and data["more_replies"] == 0
    # A reply's id gives its whole thread.
    assert api_as(alice).get(f"/posts/{replies[0].pk}").json()["id"] == post.pk


def test_an_unknown_or_deleted_post_is_a_404(alice, api_as):
    post = post_create(author=alice, body="Bientôt effacé")
    Post.objects.filter(pk=post.pk).update(deleted_at=post.created)
    assert api_as(alice).get(f"/posts/{post.pk}").status_code == 404
    assert api_as(alice).get("/posts/424242").status_code == 404


def test_a_private_communitys_post_is_never_shown_to_an_outsider(alice, bruno, api_as, make_community):
    private = make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[bruno])
    post = post_create(author=bruno, body="Entre nous", communities=[private])
    reply = post_create(author=bruno, body="Toujours entre nous", parent=post)
    api = api_as(alice)
    assert api.get(f"/posts/{post.pk}").status_code == 404
    assert api.get(f"/posts/{reply.pk}").status_code == 404
    before = snapshot()
    assert api.post(f"/posts/{post.pk}/replies", {"body": "Je m'invite"}).status_code == 404
    assert api.put(f"/posts/{post.pk}/reaction", {"kind": "like"}).status_code == 404
    assert api.patch(f"/posts/{post.pk}", {"body": "Changé"}).status_code == 404
    assert api.delete(f"/posts/{post.pk}").status_code == 404
    assert snapshot() == before
    assert api_as(bruno).get(f"/posts/{post.pk}").status_code == 200


def test_reply(alice, bruno, api_as, side_effects):
    post = post_create(author=bruno, body="Qui vient ?")
    with side_effects():
        response = api_as(alice).post(f"/posts/{post.pk}/replies", {"body": "Moi !"})
    assert response.status_code == 201
    assert response.json()["parent_id"] == post.pk and response.json()["body"] == "Moi !"
    post.refresh_from_db()
    assert post.reply_count == 1


def test_an_empty_reply_writes_nothing(alice, bruno, api_as):
    post = post_create(author=bruno, body="Qui vient ?")
    before = snapshot()
    response = api_as(alice).post(f"/posts/{post.pk}/replies", {"body": ""})
    assert response.status_code == 400 and response.json()["field"] == "body"
    assert snapshot() == before


def test_edit_keeps_a_revision(alice, api_as):
    post = post_create(author=alice, body="Premier jet")
    response = api_as(alice).patch(f"/posts/{post.pk}", {"body": "Version *propre*"})
    assert response.status_code == 200
    assert response.json()["edited_at"] and "<em>propre</em>" in response.json()["body_html"]
    assert PostRevision.objects.get(post=post).body == "Premier jet"


def test_only_the_author_edits(alice, bruno, api_as):
    post = post_create(author=bruno, body="À moi")
    before = snapshot()
    response = api_as(alice).patch(f"/posts/{post.pk}", {"body": "À moi maintenant"})
    assert response.status_code == 403 and response.json()["detail"]
    assert snapshot() == before


def test_delete(alice, api_as):
    post = post_create(author=alice, body="Erreur")
    assert api_as(alice).delete(f"/posts/{post.pk}").status_code == 204
    assert Post.objects.get(pk=post.pk).deleted_at is not None
    assert api_as(alice).get(f"/posts/{post.pk}").status_code == 404


def test_only_the_author_or_an_admin_deletes(alice, bruno, admin, api_as):
    post = post_create(author=bruno, body="À moi")
    before = snapshot()
    assert api_as(alice).delete(f"/posts/{post.pk}").status_code == 403
    assert snapshot() == before
    assert api_as(admin).delete(f"/posts/{post.pk}").status_code == 204


def test_react_change_and_unreact(alice, bruno, api_as):
    post = post_create(author=bruno, body="Bravo l'équipe")
    api = api_as(alice)
    assert api.put(f"/posts/{post.pk}/reaction", {"kind": "like"}).json() == {"kind": "like", "emoji": "👍"}
    assert api.put(f"/posts/{post.pk}/reaction", {"kind": "bravo"}).status_code == 200
    post.refresh_from_db()
    assert post.reaction_count == 1 and Reaction.objects.get().kind == "bravo"
    assert api.delete(f"/posts/{post.pk}/reaction").status_code == 204
    post.refresh_from_db()
    assert post.reaction_count == 0 and not Reaction.objects.exists()


def test_an_unknown_reaction_is_refused(alice, bruno, api_as):
    post = post_create(author=bruno, body="Bravo l'équipe")
    before = snapshot()
    response = api_as(alice).put(f"/posts/{post.pk}/reaction", {"kind": "angry"})
    assert response.status_code == 400 and response.json()["field"] == "kind"
    assert snapshot() == before


def test_who_reacted(alice, bruno, api_as):
    post = post_create(author=bruno, body="Bravo l'équipe")
    reaction_set(post=post, user=alice, kind="love")
    items = api_as(bruno).get(f"/posts/{post.pk}/reactions").json()["items"]
    assert [(r["person"]["handle"], r["kind"], r["emoji"]) for r in items] == [(alice.handle, "love", "❤️")]


def test_who_reacted_to_a_private_post_is_a_404_to_outsiders(alice, bruno, api_as, make_community):
    private = make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[bruno])
    post = post_create(author=bruno, body="Entre nous", communities=[private])
    assert api_as(alice).get(f"/posts/{post.pk}/reactions").status_code == 404


def test_a_hidden_post_is_its_authors_alone_who_is_told_why(alice, bruno, admin, api_as):
    from ruche.communities.services import post_hide

    post = post_create(author=bruno, body="Hors sujet")
    post_hide(post=post, by=admin, reason="Hors charte")
    assert api_as(alice).get(f"/posts/{post.pk}").status_code == 404
    assert post.pk not in [p["id"] for p in api_as(alice).get("/feed/company").json()["items"]]
    mine = api_as(bruno).get(f"/posts/{post.pk}").json()
    assert mine["hidden"] is True and mine["hidden_reason"] == "Hors charte"
