"""The Activity Streams 2.0 form: valid JSON-LD (expanded by pyld, offline), served by content
negotiation on a person's and a community's page, and outboxes filtered for their reader."""

import pytest

from ruche.accounts.services import user_follow
from ruche.activities.models import Activity
from ruche.communities.services import community_invite, community_join, community_leave, invitation_answer
from ruche.ideas.services import idea_move
from ruche.posts.services import post_create, post_delete, post_edit, post_share, reaction_set
from ruche.qa.services import answer_accept, question_ask
from tests.activities.as2 import AS, expand
from tests.fixtures.ideas import stage

AS2 = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def _outbox(client, url):
    response = client.get(url + "?page=true", HTTP_ACCEPT=AS2)
    assert response.status_code == 200, response.content
    return response.json()


def _types(page) -> list[str]:
    return [item["type"] for item in page["orderedItems"]]


@pytest.fixture
def everything(alice, bruno, make_community, idea, manager):
    """One activity of every type, by Alice where she can."""
    community = make_community("Vélo", members=[alice])
    post = post_create(author=alice, body="Bonjour **tous**", communities=[community])
    post_create(author=alice, body="Une réponse", parent=post)
    post_edit(post=post, by=alice, body="Bonjour à tous")
    reaction_set(post=post, user=alice, kind="like")
    post_share(author=alice, original=post, body="À relire")
    gone = post_create(author=alice, body="Oups")
    post_delete(post=gone, by=alice)
    user_follow(follower=alice, followed=bruno)
    community_join(community=community, user=bruno)
    community_leave(community=community, user=bruno)
    question = question_ask(author=alice, body="Une question ?")
    answer = post_create(author=bruno, body="Une réponse.", parent=question)
    answer_accept(by=alice, answer=answer)
    idea_move(idea=idea, stage=stage(idea.campaign, "Shortlisted"), by=manager)
    return community


def test_every_type_expands_to_the_as2_vocabulary(client, admin, everything, settings):
    settings.SITE_URL = "https://ruche.example.com"
    client.force_login(admin)  # reads everything, deletions included
    from ruche.activities import streams

    items = streams.activities(
        admin, list(Activity.objects.select_related("actor", "post__author").order_by("pk"))
    )
    assert {i["type"] for i in items} == set(Activity.Type.values)
    for item in items:
        [node] = expand(streams.with_context(item))
        assert node["@type"] == [AS + item["type"]]
        assert node["@id"].startswith("https://ruche.example.com/activities/")
        [actor] = node[AS + "actor"]
        assert actor["@type"] == [AS + "Person"] and actor["@id"].startswith(
            "https://ruche.example.com/people/"
        )
        assert AS + "object" in node and AS + "published" in node
    create = next(i for i in items if i["type"] == "Create" and "inReplyTo" in i["object"])
    [node] = expand(streams.with_context(create))
    [note] = node[AS + "object"]
    assert note["@type"] == [AS + "Note"] and AS + "inReplyTo" in note and AS + "attributedTo" in note
    assert note[AS + "content"][0]["@value"] == "<p>Une réponse</p>"


def test_a_page_is_html_by_default_and_as2_when_asked(client, alice, bruno, make_community):
    community = make_community("Vélo")
    client.force_login(alice)
    for url, kind in ((bruno.get_absolute_url(), "Person"), (community.get_absolute_url(), "Group")):
        html = client.get(url)
        assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
        assert "Accept" in html["Vary"]
        for accept in (AS2, LD):
            response = client.get(url, HTTP_ACCEPT=accept)
            assert response.status_code == 200
            assert response["Content-Type"].startswith(AS2) and "Accept" in response["Vary"]
            actor = response.json()
            assert actor["type"] == kind and actor["outbox"].endswith("/outbox")
            [node] = expand(actor)
            assert node["@type"] == [AS + kind]
        assert client.get(url, HTTP_ACCEPT="application/ld+json").status_code == 200  # no AS2 profile: HTML
        assert client.get(url, HTTP_ACCEPT="application/ld+json")["Content-Type"].startswith("text/html")


def test_anonymous_is_told_to_sign_in(client, alice):
    response = client.get(alice.get_absolute_url(), HTTP_ACCEPT=AS2)
    assert response.status_code == 401
    assert client.get(alice.get_absolute_url().rstrip("/") + "/outbox").status_code == 401


def test_unknown_and_secret_actors_are_missing(client, alice, secret):
    client.force_login(alice)
    assert client.get("/people/nobody/", HTTP_ACCEPT=AS2).status_code == 404
    assert client.get(secret.get_absolute_url(), HTTP_ACCEPT=AS2).status_code == 404
    assert client.get(f"/communities/{secret.slug}/outbox", HTTP_ACCEPT=AS2).status_code == 404


def test_the_outbox_pages_by_keyset(client, alice, bruno):
    for i in range(25):
        post_create(author=bruno, body=f"Message {i}")
    client.force_login(alice)
    url = bruno.get_absolute_url().rstrip("/") + "/outbox"
    collection = client.get(url, HTTP_ACCEPT=AS2).json()
    assert collection["type"] == "OrderedCollection" and collection["first"].endswith("?page=true")
    expand(collection)
    first = _outbox(client, url)
    assert first["type"] == "OrderedCollectionPage" and len(first["orderedItems"]) == 20
    expand(first)
    second = client.get(first["next"].removeprefix("http://127.0.0.1:8000"), HTTP_ACCEPT=AS2).json()
    assert len(second["orderedItems"]) == 5 and "next" not in second
    contents = [i["object"]["content"] for i in first["orderedItems"] + second["orderedItems"]]
    assert contents == [f"<p>Message {i}</p>" for i in reversed(range(25))]


def test_an_outsider_never_sees_a_private_communitys_post(client, alice, private):
    owner = private.created_by
    post_create(author=owner, body="Confidentiel", communities=[private])
    post_create(author=owner, body="Pour tous")
    client.force_login(alice)
    url = owner.get_absolute_url().rstrip("/") + "/outbox"
    seen = [i["object"]["content"] for i in _outbox(client, url)["orderedItems"]]
    assert seen == ["<p>Pour tous</p>"]
    assert _types(_outbox(client, f"/communities/{private.slug}/outbox")) == []
    client.force_login(owner)
    assert len(_outbox(client, url)["orderedItems"]) == 2
    assert _types(_outbox(client, f"/communities/{private.slug}/outbox")) == ["Create"]


def test_an_outsider_never_sees_a_secret_communitys_join(client, alice, bruno, secret):
    invitation = community_invite(community=secret, by=secret.created_by, user=bruno)
    invitation_answer(invitation=invitation, user=bruno, accept=True)
    url = bruno.get_absolute_url().rstrip("/") + "/outbox"
    client.force_login(alice)
    assert _types(_outbox(client, url)) == []
    client.force_login(secret.created_by)
    assert _types(_outbox(client, url)) == ["Join"]


def test_a_restricted_campaigns_idea_stays_inside_its_audience(client, idea, outsider, voter):
    url = idea.author.get_absolute_url().rstrip("/") + "/outbox"
    client.force_login(outsider)
    assert _types(_outbox(client, url)) == []
    client.force_login(voter)
    page = _outbox(client, url)
    assert _types(page) == ["Add"] and page["orderedItems"][0]["object"]["name"] == idea.title


def test_a_share_never_shows_an_original_its_reader_may_not_read(client, alice, bruno, private):
    owner = private.created_by
    original = post_create(author=owner, body="Confidentiel", communities=[private])
    post_share(author=owner, original=original, body="Voyez ceci")
    client.force_login(alice)
    [share] = _outbox(client, owner.get_absolute_url().rstrip("/") + "/outbox")["orderedItems"]
    assert share["type"] == "Announce" and share["object"] == {"type": "Tombstone"}
    assert "Confidentiel" not in str(share)


def test_a_deletion_is_for_its_author_and_administrators(client, alice, bruno, admin):
    post = post_create(author=bruno, body="Bientôt supprimé")
    post_delete(post=post, by=bruno)
    url = bruno.get_absolute_url().rstrip("/") + "/outbox"
    client.force_login(alice)
    assert _types(_outbox(client, url)) == []
    for reader in (bruno, admin):
        client.force_login(reader)
        [deleted] = _outbox(client, url)["orderedItems"]
        assert deleted["type"] == "Delete" and deleted["object"]["type"] == "Tombstone"
        assert "Bientôt" not in str(deleted)


def test_one_activity_by_its_id(client, alice, bruno, private):
    post_create(author=bruno, body="Pour tous")
    hidden = post_create(author=private.created_by, body="Confidentiel", communities=[private])
    client.force_login(alice)
    mine = Activity.objects.get(post__author=bruno)
    assert client.get(f"/activities/{mine.pk}", HTTP_ACCEPT=AS2).json()["type"] == "Create"
    other = Activity.objects.get(post=hidden)
    assert client.get(f"/activities/{other.pk}", HTTP_ACCEPT=AS2).status_code == 404


def test_outbox_queries_do_not_grow_with_the_page(client, alice, bruno, django_assert_max_num_queries):
    for i in range(3):
        post_create(author=bruno, body=f"Message {i}")
    client.force_login(alice)
    url = bruno.get_absolute_url().rstrip("/") + "/outbox?page=true"
    with django_assert_max_num_queries(12) as small:
        client.get(url, HTTP_ACCEPT=AS2)
    for i in range(15):
        post = post_create(author=bruno, body=f"Encore {i}")
        reaction_set(post=post, user=alice, kind="like")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url, HTTP_ACCEPT=AS2)
