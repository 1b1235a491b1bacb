"""Sharing through the API: POST /posts/{id}/shares, and what a share shows each reader of its original."""

import json
import uuid

import pytest

from ruche.communities.models import Community
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_delete, post_share

pytestmark = pytest.mark.django_db
SECRET_TEXT = "Chiffres du trimestre, ne pas diffuser"


@pytest.fixture
def lab(make_user, make_community):
    olivia, mia, colin = (
        make_user("Olivia", "Secrète"),
        make_user("Mia", "Membre"),
        make_user("Colin", "Dehors"),
    )
    workshop = make_community(
        "Atelier fermé", visibility=Community.Visibility.PRIVATE, owner=olivia, members=[mia]
    )
    square = make_community("Place publique", owner=mia, members=[colin])
    original = post_create(author=olivia, body=SECRET_TEXT, communities=[workshop])
    return olivia, mia, colin, workshop, square, original


def test_share_into_a_community(api_as, lab):
    olivia, mia, _colin, workshop, square, original = lab
    response = api_as(mia).post(
        f"/posts/{original.pk}/shares", {"body": "À lire", "communities": [square.pk]}
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["body"] == "À lire" and [c["slug"] for c in data["communities"]] == [square.slug]
    shared = data["shared"]
    assert shared["available"] is True and shared["post"]["id"] == original.pk
    assert shared["post"]["body"] == SECRET_TEXT and shared["post"]["author"]["handle"] == olivia.handle
    assert [c["slug"] for c in shared["post"]["communities"]] == [workshop.slug]
    assert api_as(mia).get(f"/posts/{original.pk}").json()["share_count"] == 1
    assert api_as(mia).get(f"/posts/{original.pk}").json()["shared"] is None


def test_the_outsider_gets_the_comment_and_nothing_of_the_original(api_as, lab):
    olivia, mia, colin, workshop, square, original = lab
    share = post_share(author=mia, original=original, body="À lire", communities=[square])
    for path in (f"/posts/{share.pk}", "/feed/company", f"/communities/{square.slug}/posts"):
        response = api_as(colin).get(path)
        assert response.status_code == 200, path
        text = json.dumps(response.json(), ensure_ascii=False)
        assert "À lire" in text, path
        for leak in (SECRET_TEXT, olivia.full_name, olivia.handle, workshop.slug, f"/posts/{original.pk}/"):
            assert leak not in text, (path, leak)
        assert f'"id": {original.pk},' not in text, path
    assert api_as(colin).get(f"/posts/{share.pk}").json()["shared"] == {"available": False, "post": None}


def test_a_deleted_original_is_unavailable_in_the_api(api_as, lab):
    olivia, mia, _colin, _workshop, square, original = lab
    share = post_share(author=mia, original=original, body="", communities=[square])
    post_delete(post=original, by=olivia)
    data = api_as(mia).get(f"/posts/{share.pk}").json()
    assert data["shared"] == {"available": False, "post": None} and data["body"] == ""


def test_an_unreadable_post_is_refused_as_a_missing_one(api_as, lab):
    _olivia, _mia, colin, _workshop, square, original = lab
    before = Post.objects.count()
    refused = api_as(colin).post(f"/posts/{original.pk}/shares", {"body": "Je partage"})
    missing = api_as(colin).post("/posts/987654321/shares", {"body": "Je partage"})
    assert refused.status_code == missing.status_code == 404 and refused.json() == missing.json()
    assert Post.objects.count() == before


def test_bad_input_is_refused_clearly_and_writes_nothing(api_as, lab, make_community, settings):
    _olivia, mia, _colin, _workshop, _square, original = lab
    reply = post_create(author=mia, body="Bravo", parent=original)
    closed = make_community("Autre cercle", visibility=Community.Visibility.PRIVATE)
    before = Post.objects.count()
    api = api_as(mia)
    response = api.post(f"/posts/{reply.pk}/shares", {"body": "x"})
    assert response.status_code == 400 and "share its conversation" in response.json()["detail"]
    response = api.post(f"/posts/{original.pk}/shares", {"body": "x", "communities": [closed.pk]})
    assert response.status_code == 400 and response.json()["field"] == "communities"
    response = api.post(f"/posts/{original.pk}/shares", {"body": "x" * (settings.POST_MAX_LENGTH + 1)})
    assert response.status_code == 422 and response.json()["field"] == "body"
    assert Post.objects.count() == before
    original.refresh_from_db()
    assert original.share_count == 0


def test_the_same_client_token_makes_one_share(api_as, lab):
    _olivia, mia, _colin, _workshop, _square, original = lab
    token = str(uuid.uuid4())
    first = api_as(mia).post(f"/posts/{original.pk}/shares", {"body": "Une fois", "client_token": token})
    second = api_as(mia).post(f"/posts/{original.pk}/shares", {"body": "Une fois", "client_token": token})
    assert first.json()["id"] == second.json()["id"]
    assert Post.objects.filter(shared_post=original).count() == 1
