"""An idea and its discussion never reach anyone outside the campaign's audience: not through a
feed, a search, a tag or profile page, a notification or the API."""

import pytest
from django.urls import reverse

from ruche.accounts.services import user_follow
from ruche.ideas import services
from ruche.notifications.models import Notification
from ruche.posts.models import Post
from ruche.posts.selectors import author_feed, company_feed, tag_feed
from ruche.posts.services import post_create
from ruche.search.selectors import search

SECRET = "Zirconium"


@pytest.fixture
def discussed(campaign, author, voter, outsider, side_effects):
    """An idea mentioning the outsider, with a reply, by an author the outsider follows."""
    user_follow(follower=outsider, followed=author)
    with side_effects():
        idea = services.idea_submit(
            campaign=campaign,
            author=author,
            title=f"Recycler le {SECRET}",
            description=f"Le {SECRET} se recycle #recyclage @{outsider.handle}",
        )
        reply = post_create(author=voter, body=f"Oui, le {SECRET} ! @{outsider.handle}", parent=idea.post)
    return idea, reply


def _hit_ids(viewer):
    results = search(viewer=viewer, query=SECRET)
    return {hit.object.pk for group in results.groups for hit in group.hits}


def test_posts_carry_the_campaign(discussed, campaign):
    idea, reply = discussed
    assert idea.post.campaign_id == reply.campaign_id == campaign.pk
    assert reply.get_absolute_url().startswith(idea.get_absolute_url())


def test_outsider_sees_nothing_anywhere(discussed, outsider, author):
    idea, reply = discussed
    assert not company_feed(outsider).items
    assert not author_feed(outsider, author).items
    tag = idea.post.hashtags.get()
    assert not tag_feed(outsider, tag).items
    assert not _hit_ids(outsider) & {idea.pk, reply.pk}
    assert not Notification.objects.filter(recipient=outsider).exclude(kind="follow").exists()


def test_population_finds_it_in_search_but_not_in_feeds(discussed, voter, author):
    idea, reply = discussed
    assert {idea.pk, reply.pk} <= _hit_ids(voter)
    assert not company_feed(voter).items  # ideas live on their campaign's page
    assert Notification.objects.filter(recipient=author, kind="reply", post=reply).exists()


def test_outsider_home_feed_and_api(client, discussed, outsider):
    idea, reply = discussed
    client.force_login(outsider)
    page = client.get("/").content.decode()
    assert SECRET not in page
    assert client.get(reverse("posts:detail", args=[idea.pk])).status_code == 404
    assert client.get(f"/api/ruche/v1/posts/{idea.pk}").status_code == 404
    assert client.get(f"/api/ruche/v1/posts/{reply.pk}").status_code == 404
    assert SECRET not in client.get("/api/ruche/v1/feed/").content.decode()
    assert client.get("/api/ruche/v1/search/", {"q": SECRET}).json()["groups"] == []
    assert client.get(f"/api/ruche/v1/ideas/{idea.pk}").status_code == 404
    assert client.get(f"/api/ruche/v1/ideas/campaigns/{idea.campaign_id}").status_code == 404


def test_outsider_cannot_reply_or_react(client, discussed, outsider):
    idea, _reply = discussed
    client.force_login(outsider)
    assert client.post(reverse("posts:reply", args=[idea.pk]), {"body": "Intrus"}).status_code == 404
    assert client.post(reverse("posts:react", args=[idea.pk]), {"kind": "like"}).status_code == 404
    assert not Post.objects.filter(body="Intrus").exists()


def test_feed_rebuild_leaves_ideas_out(discussed, author):
    from ruche.feed.models import FeedEntry
    from ruche.feed.services import feed_rebuild

    idea, _reply = discussed
    FeedEntry.objects.filter(user=author).delete()
    feed_rebuild(author)
    assert not FeedEntry.objects.filter(post=idea.post).exists()


def test_campaign_news_leave_with_the_population(voter, sales, campaign):
    from ruche.notifications.selectors import notifications_for, unread_count

    assert [n.kind for n in notifications_for(voter).items] == ["campaign_opened"]
    voter.profile.department = sales  # moved to Sales: the campaign is no longer theirs
    voter.profile.save()
    from django.core.cache import cache

    cache.clear()
    assert notifications_for(voter).items == [] and unread_count(voter) == 0
