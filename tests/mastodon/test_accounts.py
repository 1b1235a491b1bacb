"""Mastodon.py drives accounts against a live Ruche: lookup, get, statuses paged with Link headers,
followers, following, follow, unfollow, relationships, search; a deactivated colleague; privacy."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from ruche.accounts.models import Follow
from ruche.accounts.services import user_deactivate
from ruche.communities.models import Community
from ruche.posts.services import post_create


def test_lookup_get_follow_relationships_and_lists(mastodon_for, alice, bruno, chloe):
    api = mastodon_for(bruno)
    found = api.account_lookup(alice.handle)
    assert found["id"] == str(alice.pk) and found["acct"] == alice.handle
    assert api.account(alice.pk)["display_name"] == alice.full_name
    with pytest.raises(MastodonNotFoundError):
        api.account_lookup("nobody-here")
    with pytest.raises(MastodonNotFoundError):
        api.account(987654321)

    relationship = api.account_follow(alice.pk)
    assert relationship["following"] is True and relationship["followed_by"] is False
    assert Follow.objects.filter(follower=bruno, followed=alice).exists()
    Follow.objects.create(follower=alice, followed=bruno)
    [shown] = api.account_relationships([alice.pk])
    assert shown["following"] is True and shown["followed_by"] is True
    assert [r["id"] for r in api.account_relationships([alice.pk, chloe.pk, 987654321])] == [
        str(alice.pk),
        str(chloe.pk),
    ]
    assert [a["id"] for a in api.account_followers(alice.pk)] == [str(bruno.pk)]
    assert [a["id"] for a in api.account_following(bruno.pk)] == [str(alice.pk)]
    assert api.account_unfollow(alice.pk)["following"] is False
    assert not Follow.objects.filter(follower=bruno, followed=alice).exists()
    assert [a["id"] for a in api.account_search("Alic")] == [str(alice.pk)]


def test_a_deactivated_colleague_is_suspended_and_cannot_be_followed(mastodon_for, alice, bruno, admin):
    user_deactivate(user=alice, by=admin)
    api = mastodon_for(bruno)
    assert api.account(alice.pk)["suspended"] is True
    with pytest.raises(MastodonAPIError) as refused:
        api.account_follow(alice.pk)
    assert refused.value.args[1] == 403
    assert not Follow.objects.filter(follower=bruno, followed=alice).exists()


def test_account_statuses_page_with_link_headers_and_filters(mastodon_for, alice, bruno):
    made = [post_create(author=alice, body=f"Post {n} #Qualite" if n % 2 else f"Post {n}") for n in range(5)]
    reply = post_create(author=alice, body="A reply", parent=made[0])
    api = mastodon_for(bruno)
    first = api.account_statuses(alice.pk, limit=2)
    assert [s["id"] for s in first] == [str(reply.pk), str(made[4].pk)]
    second = api.fetch_next(first)
    assert [s["id"] for s in second] == [str(made[3].pk), str(made[2].pk)]
    assert [str(s["id"]) for s in api.fetch_previous(second)] == [str(reply.pk), str(made[4].pk)]
    no_replies = api.account_statuses(alice.pk, exclude_replies=True)
    assert str(reply.pk) not in [s["id"] for s in no_replies] and len(no_replies) == 5
    assert [s["id"] for s in api.account_statuses(alice.pk, tagged="qualite")] == [
        str(made[3].pk),
        str(made[1].pk),
    ]
    assert api.account_statuses(alice.pk, pinned=True) == []
    assert api.account_statuses(alice.pk, only_media=True) == []


@pytest.mark.parametrize("where", ["community", "campaign"])
def test_private_posts_never_appear_in_account_statuses_for_an_outsider(
    where, mastodon_for, alice, bruno, chloe, make_community, request
):
    if where == "community":
        private = make_community(
            "Projet Alpha", visibility=Community.Visibility.PRIVATE, owner=alice, members=[chloe]
        )
        secret = post_create(author=alice, body="Members only", communities=[private])
        member = chloe
    else:
        secret = request.getfixturevalue("idea").post
        member = request.getfixturevalue("author")
        alice = secret.author
    public = post_create(author=alice, body="For everyone")
    outside = [s["id"] for s in mastodon_for(bruno).account_statuses(alice.pk)]
    inside = [s["id"] for s in mastodon_for(member).account_statuses(alice.pk)]
    assert outside == [str(public.pk)]
    assert inside == [str(public.pk), str(secret.pk)]
