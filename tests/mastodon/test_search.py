"""Mastodon.py drives search v2 against a live Ruche: accounts, statuses, hashtags, through Ruche's
search with its visibility; a private community's post never found by an outsider."""

from ruche.communities.models import Community
from ruche.posts.services import post_create
from ruche.search.services import search_rebuild


def test_search_v2_finds_accounts_statuses_and_hashtags(mastodon_for, alice, bruno):
    post = post_create(author=alice, body="Le soudage laser #Soudure")
    search_rebuild()
    api = mastodon_for(bruno)
    found = api.search_v2("soudage", result_type="statuses")
    assert [s["id"] for s in found["statuses"]] == [str(post.pk)] and found["accounts"] == []
    assert [a["id"] for a in api.search_v2("Alice", result_type="accounts")["accounts"]] == [str(alice.pk)]
    assert [t["name"] for t in api.search_v2("soudure", result_type="hashtags")["hashtags"]] == ["Soudure"]
    everything = api.search_v2("soudure")
    assert [s["id"] for s in everything["statuses"]] == [str(post.pk)]
    assert api.search_v2("soudage", result_type="statuses", offset=1)["statuses"] == []


def test_search_v2_never_shows_private_content_to_an_outsider(
    mastodon_for, alice, bruno, chloe, make_community, idea, author
):
    private = make_community(
        "Projet Alpha", visibility=Community.Visibility.PRIVATE, owner=alice, members=[chloe]
    )
    secret = post_create(author=alice, body="Prototype confidentiel #Zephyr", communities=[private])
    search_rebuild()
    inside = mastodon_for(chloe).search_v2("confidentiel")
    assert [s["id"] for s in inside["statuses"]] == [str(secret.pk)]
    outside = mastodon_for(bruno)
    assert outside.search_v2("confidentiel")["statuses"] == []
    assert outside.search_v2("zephyr")["hashtags"] == []
    # An idea of a campaign aimed at the author's department only.
    assert [s["id"] for s in mastodon_for(author).search_v2("métal")["statuses"]] == [str(idea.post.pk)]
    assert outside.search_v2("métal")["statuses"] == []
