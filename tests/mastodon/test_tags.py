"""Mastodon.py drives tags against a live Ruche: get, follow, unfollow, followed_tags; a hashtag
used only in a private community does not exist for an outsider."""

import pytest
from mastodon import MastodonNotFoundError

from ruche.communities.models import Community
from ruche.posts.models import HashtagFollow
from ruche.posts.services import post_create


def test_tag_get_follow_unfollow_and_followed_tags(mastodon_for, alice, bruno):
    post_create(author=alice, body="Bravo #Qualité")
    api = mastodon_for(bruno)
    tag = api.tag("qualité")
    assert tag["name"] == "Qualité" and tag["following"] is False and tag["url"].endswith("/tags/qualite/")
    assert api.tag_follow("Qualité")["following"] is True
    assert HashtagFollow.objects.filter(user=bruno, hashtag__key="qualite").exists()
    assert api.tag("qualite")["following"] is True
    assert [t["name"] for t in api.followed_tags()] == ["Qualité"]
    assert api.tag_unfollow("qualite")["following"] is False
    assert api.followed_tags() == []
    with pytest.raises(MastodonNotFoundError):
        api.tag("neverused")


def test_a_hashtag_used_only_in_private_does_not_exist_for_an_outsider(
    mastodon_for, alice, bruno, chloe, make_community
):
    private = make_community(
        "Projet Alpha", visibility=Community.Visibility.PRIVATE, owner=alice, members=[chloe]
    )
    post_create(author=alice, body="Secret #Alpha", communities=[private])
    assert mastodon_for(chloe).tag("alpha")["name"] == "Alpha"
    outside = mastodon_for(bruno)
    for call in (outside.tag, outside.tag_follow):
        with pytest.raises(MastodonNotFoundError):
            call("alpha")
    assert not HashtagFollow.objects.filter(user=bruno).exists()
