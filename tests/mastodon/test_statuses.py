"""Mastodon.py drives statuses against a live Ruche: post, read, edit with history, delete, context,
favourite, reblog, bookmark; and what a client may not do or see."""

import pytest
import requests
from mastodon import MastodonAPIError, MastodonNotFoundError

from ruche.communities.models import Community
from ruche.posts.models import Bookmark, Post, Reaction
from ruche.posts.services import post_create


def _error(call, *args, **kwargs):
    with pytest.raises(MastodonAPIError) as problem:
        call(*args, **kwargs)
    return problem.value.args[1], problem.value.args[3] if len(problem.value.args) > 3 else ""


def test_post_read_edit_history_source_and_delete(alice_mastodon, alice):
    made = alice_mastodon.status_post("Bonjour #Qualite @nobody", language="fr")
    post = Post.objects.get(pk=made["id"])
    assert post.author == alice and "Bonjour" in made["content"] and made["visibility"] == "public"
    assert made["tags"][0]["name"] == "Qualite" and made["tags"][0]["url"].endswith("/tags/qualite/")
    assert alice_mastodon.status(made["id"])["id"] == made["id"]
    edited = alice_mastodon.status_update(made["id"], "Bonjour à tous")
    assert "à tous" in edited["content"] and edited["edited_at"]
    history = alice_mastodon.status_history(made["id"])
    assert len(history) == 2 and "Bonjour #Qualite" in history[0]["content"]
    assert "à tous" in history[1]["content"]
    assert alice_mastodon.status_source(made["id"])["text"] == "Bonjour à tous"
    deleted = alice_mastodon.status_delete(made["id"])
    assert deleted["text"] == "Bonjour à tous"
    assert Post.objects.get(pk=made["id"]).deleted_at is not None
    with pytest.raises(MastodonNotFoundError):
        alice_mastodon.status(made["id"])


def test_reply_context_favourite_reblog_bookmark(alice_mastodon, bruno_mastodon, alice, bruno):
    root = alice_mastodon.status_post("Une question ?")
    reply = bruno_mastodon.status_post("Une réponse, @" + alice.handle, in_reply_to_id=root["id"])
    assert reply["in_reply_to_id"] == root["id"] and reply["in_reply_to_account_id"] == str(alice.pk)
    assert reply["mentions"][0]["acct"] == alice.handle
    context = bruno_mastodon.status_context(root["id"])
    assert context["ancestors"] == [] and [s["id"] for s in context["descendants"]] == [reply["id"]]
    assert [s["id"] for s in bruno_mastodon.status_context(reply["id"])["ancestors"]] == [root["id"]]

    favourited = bruno_mastodon.status_favourite(root["id"])
    assert favourited["favourited"] is True and favourited["favourites_count"] == 1
    assert Reaction.objects.get(post_id=root["id"], user=bruno).kind == "like"
    assert [a["id"] for a in alice_mastodon.status_favourited_by(root["id"])] == [str(bruno.pk)]
    assert [s["id"] for s in bruno_mastodon.favourites()] == [root["id"]]
    assert bruno_mastodon.status_unfavourite(root["id"])["favourited"] is False

    reblog = bruno_mastodon.status_reblog(root["id"])
    assert reblog["reblog"]["id"] == root["id"] and reblog["reblog"]["reblogged"] is True
    assert Post.objects.get(pk=reblog["id"]).shared_post_id == int(root["id"])
    assert [a["id"] for a in alice_mastodon.status_reblogged_by(root["id"])] == [str(bruno.pk)]
    assert bruno_mastodon.status_unreblog(root["id"])["reblogged"] is False
    assert Post.objects.get(pk=reblog["id"]).deleted_at is not None

    assert bruno_mastodon.status_bookmark(root["id"])["bookmarked"] is True
    assert Bookmark.objects.filter(user=bruno, post_id=root["id"]).exists()
    assert [s["id"] for s in bruno_mastodon.bookmarks()] == [root["id"]]
    assert bruno_mastodon.status_unbookmark(root["id"])["bookmarked"] is False
    assert _error(bruno_mastodon.status_pin, root["id"])[0] == 422


def test_idempotency_key_returns_the_same_status_and_creates_one(alice_mastodon, alice):
    first = alice_mastodon.status_post("Une seule fois", idempotency_key="abc-123")
    again = alice_mastodon.status_post("Une seule fois", idempotency_key="abc-123")
    other = alice_mastodon.status_post("Une seule fois", idempotency_key="other")
    assert first["id"] == again["id"] != other["id"]
    assert Post.objects.filter(author=alice, body="Une seule fois").count() == 2


def test_bad_input_and_refusals(mastodon_for, alice, bruno, settings):
    api = mastodon_for(alice)
    with pytest.raises(MastodonNotFoundError):
        api.status(987654321)
    with pytest.raises(MastodonNotFoundError):
        api.status_post("Orphan", in_reply_to_id="not-an-id")
    assert _error(api.status_post, "x" * (settings.POST_MAX_LENGTH + 1))[0] == 422
    assert _error(api.status_post, "Secret", visibility="direct")[0] == 422
    assert _error(api.status_post, "Unlisted", visibility="unlisted")[0] == 422
    assert _error(api.status_post, "Warned", spoiler_text="CW")[0] == 422
    theirs = post_create(author=bruno, body="À Bruno")
    assert _error(api.status_update, theirs.pk, "Changed")[0] == 403
    reader = mastodon_for(alice, scopes=["read"])
    assert _error(reader.status_post, "Lecture seule")[0] == 403
    assert not Post.objects.filter(
        body__in=["Lecture seule", "Secret", "Unlisted", "Warned", "Orphan"]
    ).exists()


@pytest.mark.parametrize("where", ["community", "campaign"])
def test_private_content_is_absent_for_an_outsider_and_present_for_a_member(
    where, mastodon_for, alice, bruno, chloe, make_community, request
):
    if where == "community":
        private = make_community(
            "Projet Alpha", visibility=Community.Visibility.PRIVATE, owner=alice, members=[chloe]
        )
        secret = post_create(author=alice, body="Members only", communities=[private])
        member, outsider = chloe, bruno
    else:
        idea = request.getfixturevalue("idea")
        secret, member, outsider = idea.post, request.getfixturevalue("author"), bruno
    reply = post_create(author=member, body="Inside reply", parent=secret)
    Reaction.objects.create(post=secret, user=member, kind="like")
    inside, outside = mastodon_for(member), mastodon_for(outsider)
    assert inside.status(secret.pk)["id"] == str(secret.pk)
    assert [s["id"] for s in inside.status_context(secret.pk)["descendants"]] == [str(reply.pk)]
    assert [a["id"] for a in inside.status_favourited_by(secret.pk)] == [str(member.pk)]
    assert [s["id"] for s in inside.status_context(reply.pk)["ancestors"]] == [str(secret.pk)]
    for call in (
        outside.status,
        outside.status_context,
        outside.status_favourited_by,
        outside.status_reblogged_by,
        outside.status_favourite,
        outside.status_reblog,
        outside.status_bookmark,
        outside.status_source,
        outside.status_history,
    ):
        with pytest.raises(MastodonNotFoundError):
            call(secret.pk)
    with pytest.raises(MastodonNotFoundError):
        outside.status(reply.pk)
    public = post_create(author=member, body="Public")
    assert [s["id"] for s in outside.statuses([secret.pk, public.pk, reply.pk])] == [str(public.pk)]
    assert [s["id"] for s in inside.statuses([public.pk, secret.pk])] == [str(public.pk), str(secret.pk)]
    with pytest.raises(MastodonNotFoundError):
        outside.status_post("Sneaky reply", in_reply_to_id=secret.pk)
    assert not Post.objects.filter(body="Sneaky reply").exists()
    assert not Reaction.objects.filter(user=outsider).exists()


def _post_raw(api, **data):
    return requests.post(
        f"{api.api_base_url}/api/v1/statuses",
        data=data,
        headers={"Authorization": f"Bearer {api.access_token}"},
        timeout=10,
    )


def test_posting_into_a_community_by_its_id(mastodon_for, alice, bruno, make_community):
    community = make_community("Qualité", owner=alice)
    answer = _post_raw(mastodon_for(alice), status="Dans la communauté", community_id=community.pk)
    made = answer.json()
    assert answer.status_code == 200 and made["visibility"] == "private"
    assert list(Post.objects.get(pk=made["id"]).placements.values_list("community_id", flat=True)) == [
        community.pk
    ]
    refused = _post_raw(mastodon_for(bruno), status="Pas membre", community_id=community.pk)
    assert refused.status_code == 422 and refused.json()["error"].startswith("Validation failed: ")
    assert not Post.objects.filter(body="Pas membre").exists()


def test_the_same_idempotency_key_at_the_same_moment_creates_one_post(alice_mastodon, alice):
    """Concurrent writers need a real server database: the test SQLite (in memory, shared cache)
    locks whole tables. Run with RUCHE_DATABASE_URL=postgres://… (scripts/test-all does)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent posting needs PostgreSQL (RUCHE_DATABASE_URL)")

    def post(_n):
        return requests.post(
            f"{alice_mastodon.api_base_url}/api/v1/statuses",
            data={"status": "En même temps"},
            headers={"Authorization": f"Bearer {alice_mastodon.access_token}", "Idempotency-Key": "race-1"},
            timeout=20,
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(post, range(4)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["id"] for a in answers}) == 1
    assert Post.objects.filter(author=alice, body="En même temps").count() == 1
