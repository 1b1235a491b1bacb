"""The home feed's posts kept in JSON (ruche/api/cards.py): a kept object, completed for a reader, is
what the schema's validation gives for that reader; each reader gets their own personal fields; a
change to a post is in the next answer; a post the reader may no longer read is not served kept."""

import pytest

from ruche.accounts.services import profile_update, user_follow
from ruche.api import cards
from ruche.api.feed import FeedOut
from ruche.api.schemas import PostOut
from ruche.communities import services as communities
from ruche.communities.models import Community
from ruche.posts.services import bookmark_set, post_create, post_edit, reaction_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(alice, bruno, chloe, make_community, side_effects):
    """Bruno's posts, read by Alice and Chloé (both follow him), one in a private community."""
    private = make_community("Comité", owner=bruno, visibility=Community.Visibility.PRIVATE, members=[alice])
    for reader in (alice, chloe):
        user_follow(follower=reader, followed=bruno)
    with side_effects():
        posts = [post_create(author=bruno, body=f"Nouvelle {n}") for n in range(3)]
        secret = post_create(author=bruno, body="Réservé au comité", communities=[private])
        reply = post_create(author=chloe, body="Bravo", parent=posts[0])
    return posts, secret, reply, private


def items(api) -> list[dict]:
    answer = api.get("/feed/", limit=10).json()
    assert set(answer) == set(FeedOut.model_fields)  # the shape the schema documents
    assert all(set(item) == set(PostOut.model_fields) for item in answer["items"])
    return answer["items"]


def fresh_items(api) -> list[dict]:
    cards.store.forget_all()
    return items(api)


def by_id(found: list[dict]) -> dict[int, dict]:
    return {item["id"]: item for item in found}


def test_a_kept_object_is_the_validated_one(api_as, alice, feed):
    posts, secret, _reply, _private = feed
    api = api_as(alice)
    expected = fresh_items(api)
    assert len(cards.store) == 4  # every card kept: Alice wrote none, moderates none
    assert items(api) == expected  # from the kept objects
    assert {item["id"] for item in expected} == {p.pk for p in posts} | {secret.pk}


def test_each_reader_gets_their_own_personal_fields(api_as, alice, chloe, feed):
    posts, _secret, reply, _private = feed
    reaction_set(post=posts[0], user=alice, kind="bravo")
    reaction_set(post=reply, user=alice, kind="insightful")
    bookmark_set(post=posts[1], user=alice, saved=True)
    items(api_as(alice))  # kept, drawn for Alice
    chloes = by_id(items(api_as(chloe)))
    assert chloes == by_id(fresh_items(api_as(chloe)))
    first = chloes[posts[0].pk]
    assert first["my_reaction"] is None and first["replies"][0]["my_reaction"] is None
    assert chloes[posts[1].pk]["saved"] is False
    alices = by_id(items(api_as(alice)))
    assert alices[posts[0].pk]["my_reaction"] == "bravo"
    assert alices[posts[0].pk]["replies"][0]["my_reaction"] == "insightful"
    assert alices[posts[1].pk]["saved"] is True


@pytest.mark.parametrize(
    "change",
    [
        lambda w: post_edit(post=w["post"], by=w["bruno"], body="Nouvelle corrigée"),
        lambda w: reaction_set(post=w["post"], user=w["chloe"], kind="bravo"),
        lambda w: post_create(author=w["chloe"], body="Une réponse de plus", parent=w["post"]),
        lambda w: profile_update(
            profile=w["bruno"].profile, by=w["bruno"], job_title="Directeur des opérations"
        ),
    ],
    ids=["edited", "reaction", "reply", "author's title"],
)
def test_a_change_is_in_the_next_answer(api_as, alice, bruno, chloe, feed, change):
    posts, *_ = feed
    api = api_as(alice)
    items(api)
    before = by_id(items(api))[posts[0].pk]
    change({"post": posts[0], "bruno": bruno, "chloe": chloe})
    after = by_id(items(api))[posts[0].pk]
    assert after != before
    assert after == by_id(fresh_items(api))[posts[0].pk]


def test_a_reader_who_left_no_longer_gets_the_kept_object(api_as, alice, feed):
    _posts, secret, _reply, private = feed
    api = api_as(alice)
    assert secret.pk in by_id(items(api))
    communities.community_leave(community=private, user=alice)
    assert secret.pk not in by_id(items(api))


def test_an_object_forgotten_between_the_feed_and_the_answer_is_made_from_its_post(
    api_as, alice, feed, monkeypatch
):
    api = api_as(alice)
    expected = fresh_items(api)
    with monkeypatch.context() as m:
        m.setattr(cards.store, "has", lambda *args: True)  # the feed's look said yes,
        m.setattr(cards.store, "get", lambda *args: None)  # then it was gone
        assert items(api) == expected
