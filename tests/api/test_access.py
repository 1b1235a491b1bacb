"""`access_post` / `access_person`: one fetch-and-check for every page and API endpoint, with the
same 404 for what does not exist and what the viewer may not see."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from ruche.accounts.selectors import access_person
from ruche.communities.models import Community, Placement
from ruche.posts.models import Reaction
from ruche.posts.selectors import access_post
from ruche.posts.services import post_create, reaction_toggle


@pytest.fixture
def secret_post(make_community, make_user):
    owner = make_user("Olivia", "Owner")
    club = make_community("Comité", visibility=Community.Visibility.SECRET, owner=owner)
    post = post_create(author=owner, body="Entre nous", communities=[club])
    assert Placement.objects.filter(post=post, status=Placement.Status.APPROVED).exists()
    return post


def test_access_post_returns_what_the_viewer_may_read(alice, bruno):
    post = post_create(author=bruno, body="Pour tous")
    assert access_post(alice, post.pk) == post


def test_access_post_is_the_same_404_for_missing_and_forbidden(alice, secret_post):
    for pk in (secret_post.pk, secret_post.pk + 1000):
        with pytest.raises(Http404):
            access_post(alice, pk)


def test_access_person(alice, bruno):
    assert access_person(alice, bruno.handle) == bruno
    for viewer, handle in ((alice, "nobody-here"), (AnonymousUser(), bruno.handle)):
        with pytest.raises(Http404):
            access_person(viewer, handle)


def test_pages_and_api_answer_404_alike_for_a_secret_post(client, alice, secret_post, api_as):
    client.force_login(alice)
    missing = secret_post.pk + 1000
    for pk in (secret_post.pk, missing):
        assert client.post(f"/posts/{pk}/react/", {"kind": "like"}).status_code == 404
        assert client.post(f"/posts/{pk}/reply/", {"body": "Coucou"}).status_code == 404
        assert client.get(f"/posts/{pk}/reactions/").status_code == 404
    api = api_as(alice)
    assert api.get(f"/posts/{secret_post.pk}").json() == api.get(f"/posts/{missing}").json()
    assert api.get(f"/posts/{secret_post.pk}").status_code == 404
    assert not Reaction.objects.exists()


def test_reaction_toggle_sets_changes_and_takes_back(alice, bruno):
    post = post_create(author=bruno, body="Bonjour")
    assert reaction_toggle(post=post, user=alice, kind="like").kind == "like"
    assert reaction_toggle(post=post, user=alice, kind="bravo").kind == "bravo"
    assert reaction_toggle(post=post, user=alice, kind="bravo") is None
    post.refresh_from_db()
    assert post.reaction_count == 0 and not Reaction.objects.exists()
