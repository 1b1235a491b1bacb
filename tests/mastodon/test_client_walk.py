"""Mastodon.py walks Ruche's timelines, lists, notifications and markers, against a live server,
with the privacy rules of the pages: a private community's post never reaches an outsider."""

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from ruche.accounts.services import user_follow
from ruche.communities.models import Community
from ruche.communities.services.membership import community_leave
from ruche.posts.services import post_create, reaction_set


@pytest.fixture
def company(alice, bruno, chloe, make_community):
    """Alice follows Bruno; Bruno and Chloé share a private community, Alice and Bruno a public one."""
    user_follow(follower=alice, followed=bruno)
    private = make_community(
        "Projet Alpha", visibility=Community.Visibility.PRIVATE, owner=bruno, members=[chloe]
    )
    public = make_community("Qualité", owner=alice, members=[bruno])
    return {"private": private, "public": public}


def ids(statuses) -> list[int]:
    return [int(s["id"]) for s in statuses]


def test_home_public_and_tag_timelines_page_with_fetch_next(alice, bruno, company, mastodon_for):
    posts = [post_create(author=bruno, body=f"Post {n} #walk") for n in range(7)]
    newest_first = [p.pk for p in reversed(posts)]
    api = mastodon_for(alice)
    home = api.timeline_home(limit=3)
    assert ids(home) == newest_first[:3]
    walked = ids(home)
    while (home := api.fetch_next(home)) is not None:
        walked += ids(home)
    assert walked == newest_first
    # since_id and min_id: the newest above it, and the page right after it
    assert ids(api.timeline_home(since_id=posts[4].pk)) == newest_first[:2]
    assert ids(api.timeline_home(min_id=posts[1].pk, limit=2)) == [posts[3].pk, posts[2].pk]
    assert ids(api.timeline_public(limit=40)) == newest_first
    assert ids(api.timeline_public(local=True, limit=2)) == newest_first[:2]
    assert ids(api.timeline_hashtag("Walk", limit=40)) == newest_first
    assert api.timeline_hashtag("nowhere") == []
    status = home_status = api.timeline_home(limit=1)[0]
    assert status["account"]["username"] == bruno.handle and "Post 6" in home_status["content"]


def test_a_private_communitys_post_never_reaches_an_outsider(alice, bruno, chloe, company, mastodon_for):
    secret = post_create(
        author=bruno, body="Members only #walk @" + alice.handle, communities=[company["private"]]
    )
    open_post = post_create(author=bruno, body="For everyone #walk")
    reaction_set(post=secret, user=chloe, kind="like")
    outsider, member = mastodon_for(alice), mastodon_for(chloe)
    for timeline in (outsider.timeline_home(), outsider.timeline_public(), outsider.timeline_hashtag("walk")):
        assert ids(timeline) == [open_post.pk]
    assert secret.pk in ids(member.timeline_public()) and secret.pk in ids(member.timeline_hashtag("walk"))
    # Alice is mentioned in a post she may not read: no notification tells her of it
    assert all(n["status"] is None or int(n["status"]["id"]) != secret.pk for n in outsider.notifications())
    # Chloé's list is the private community; Alice may not open it
    assert ids(member.timeline_list(company["private"].pk)) == [secret.pk]
    with pytest.raises(MastodonNotFoundError):
        outsider.timeline_list(company["private"].pk)
    with pytest.raises(MastodonNotFoundError):
        outsider.list(company["private"].pk)


def test_lists_are_my_communities_and_cannot_be_changed(alice, bruno, chloe, company, mastodon_for):
    api = mastodon_for(bruno)
    lists = api.lists()
    assert [(one["title"], one["replies_policy"], one["exclusive"]) for one in lists] == [
        ("Projet Alpha", "list", False),
        ("Qualité", "list", False),
    ]
    private = company["private"].pk
    assert api.list(private)["title"] == "Projet Alpha"
    members = api.list_accounts(private, limit=1)
    walked = [a["username"] for a in members]
    while (members := api.fetch_next(members)) is not None:
        walked += [a["username"] for a in members]
    assert sorted(walked) == sorted([bruno.handle, chloe.handle])
    for write in (lambda: api.list_create("Mine"), lambda: api.list_delete(private),
                  lambda: api.list_accounts_add(private, [alice.pk])):  # fmt: skip
        with pytest.raises(MastodonAPIError) as refused:
            write()
        assert refused.value.args[1] == 422 and "Communities are managed in Ruche" in str(refused.value)
    # Chloé leaves the community: its list and timeline are gone for her
    chloe_api = mastodon_for(chloe)
    assert chloe_api.list(private)["id"] == str(private)
    community_leave(community=company["private"], user=chloe)
    for read in (chloe_api.list, chloe_api.timeline_list, chloe_api.list_accounts):
        with pytest.raises(MastodonNotFoundError):
            read(private)
    assert [one["title"] for one in chloe_api.lists()] == []


def test_notifications_types_dismiss_clear_and_markers(alice, bruno, chloe, company, mastodon_for):
    api = mastodon_for(alice)
    mine = post_create(author=alice, body="My post")
    post_create(author=bruno, body=f"Hello @{alice.handle}")
    reaction_set(post=mine, user=bruno, kind="like")
    user_follow(follower=chloe, followed=alice)
    found = api.notifications()
    assert [n["type"] for n in found] == ["follow", "favourite", "mention"]
    assert found[1]["status"]["id"] == str(mine.pk) and found[1]["account"]["username"] == bruno.handle
    assert [n["type"] for n in api.notifications(types=["mention"])] == ["mention"]
    assert [n["type"] for n in api.notifications(exclude_types=["follow", "mention"])] == ["favourite"]
    page = api.notifications(limit=1)
    assert len(api.fetch_next(page)) == 1
    assert api.notifications(id=found[0]["id"])["type"] == "follow"
    # markers, and the notifications marker reads Ruche's notifications up to it
    api.markers_set(["home", "notifications"], [mine.pk, int(found[1]["id"])])
    markers = api.markers_get(["home", "notifications"])
    assert markers["home"]["last_read_id"] == str(mine.pk) and markers["notifications"]["version"] == 1
    api.markers_set(["notifications"], [int(found[0]["id"])])
    assert api.markers_get(["notifications"])["notifications"]["version"] == 2
    assert alice.notifications.filter(read_at__isnull=True).count() == 0
    api.notifications_dismiss(found[0]["id"])
    assert [n["type"] for n in api.notifications()] == ["favourite", "mention"]
    with pytest.raises(MastodonNotFoundError):
        api.notifications(id=found[0]["id"])
    api.notifications_clear()
    assert api.notifications() == []
