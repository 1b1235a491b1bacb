"""An integration's account is nobody: no list of people shows it, even activated and indexed as a
person would be (each list is asked about it)."""

import pytest
from django.utils import timezone

from ruche.accounts import selectors as people
from ruche.accounts.models import Follow
from ruche.analytics.company import accounts
from ruche.analytics.scope import Scope
from ruche.communities.selectors import members
from ruche.search.selectors import search
from ruche.search.services import search_reindex
from ruche.web.selectors import people_to_follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def bot(hook):
    """The integration's account, made as visible as a colleague could be: activated, indexed."""
    bot = hook.integration.bot
    bot.activated_at = bot.last_seen_at = timezone.now()
    bot.save()
    search_reindex(kind="person", ids=[bot.pk])
    return bot


def test_not_in_the_directory(client, alice, bot):
    assert bot not in people.directory(name="Jenkins").object_list
    assert alice in people.directory(name="Alice").object_list
    client.force_login(alice)
    assert "CI Jenkins" not in client.get("/people/?q=jenkins").content.decode()


def test_not_in_people_search_nor_the_mention_autocomplete(alice, bot):
    found = [hit.object for group in search(viewer=alice, query="Jenkins").groups for hit in group.hits]
    assert bot not in found
    assert people.people_suggestions("jenk") == [] and people.people_suggestions("hook") == []
    assert people.people_suggestions("alic") == [alice]


def test_not_in_the_org_chart(alice, bot):
    assert people.org_search("Jenkins") == []
    _tops, alone = people.org_tops()
    assert alone == 2  # Olivia and Alice, who have no manager and no reports
    assert all(node.person != bot for node in _tops)


def test_not_counted_by_analytics(alice, bot):
    counted = set(accounts(Scope()).values_list("pk", flat=True))
    assert alice.pk in counted and bot.pk not in counted


def test_not_suggested_to_follow_nor_among_members(alice, community, bot):
    assert bot not in people_to_follow(alice, limit=10)
    assert bot not in [m.user for m in members(community)]
    assert {m.user for m in members(community)} == {alice, community.created_by}


def test_not_among_the_administrators_people(bot):
    counts = people.people_state_counts()
    assert counts["activated"] == 2  # Olivia and Alice
    assert bot not in people.people_by_state("")


def test_not_a_follower_shown_nor_mentionable(alice, bot, post_to, hook):
    Follow.objects.create(follower=bot, followed=alice)
    assert bot not in people.followers_of(alice)
    post = post_to(hook, f"ping @{bot.handle}").json()
    from ruche.posts.models import Post

    assert not Post.objects.get(pk=post["id"]).mentions.exists()  # its handle stays text


def test_never_notified_of_replies_to_its_posts(alice, bot, post_to, hook, side_effects):
    from ruche.notifications.models import Notification
    from ruche.posts.models import Post
    from ruche.posts.services import post_create, reaction_set

    with side_effects():
        post = Post.objects.get(pk=post_to(hook, "Build cassé").json()["id"])
        post_create(author=alice, body="Je regarde", parent=post)
        reaction_set(post=post, user=alice, kind="like")
    assert not Notification.objects.filter(recipient=bot).exists()


def test_not_a_colleague_to_pick_by_handle(client, community, owner, bot):
    """Nobody names it as a manager, invites it to a community, or names it as a reviewer."""
    from django.core.exceptions import ValidationError

    from ruche import resolvers
    from ruche.accounts.forms import ColleagueField
    from ruche.communities.forms import InviteForm

    with pytest.raises(ValidationError):
        ColleagueField().clean(bot.handle)
    assert not InviteForm({"who": bot.handle}).is_valid() and InviteForm({"who": owner.handle}).is_valid()
    with pytest.raises(ValidationError):
        resolvers.people([bot.handle], field="reviewers")


def test_no_activity_fact_for_it(alice, community, bot, post_to, hook):
    from ruche.analytics.models import CommunityDay, CommunityPersonDay, PersonDay
    from ruche.analytics.services import facts_compute
    from ruche.posts.services import post_create

    post_to(hook, "Build vert")
    post_create(author=alice, body="Bravo", communities=[community])
    facts_compute(day=timezone.localdate())
    assert set(PersonDay.objects.values_list("user", flat=True)) == {alice.pk}
    assert set(CommunityPersonDay.objects.values_list("user", flat=True)) == {alice.pk}
    assert CommunityDay.objects.get(community=community).members == 2  # Olivia and Alice


def test_not_seen_by_scim_provisioning(client, admin, community, bot):
    """An identity provider neither lists it nor finds it in a community's group to take it out."""
    from ruche.accounts.models import DirectorySettings
    from ruche.scim import selectors as scim
    from ruche.scim import services

    DirectorySettings.objects.update_or_create(pk=1, defaults={"scim_groups_as": "communities"})
    assert bot.pk not in set(scim.people().values_list("pk", flat=True))
    assert bot.pk not in scim.group_members(community)
    assert community.created_by_id in scim.group_members(community)
    _token, secret = services.token_create(name="Entra ID", by=admin)
    listed = client.get("/scim/v2/Users", {"count": 100}, HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert bot.email not in {u["userName"] for u in listed["Resources"]}
    assert listed["totalResults"] >= 3  # Olivia, Alice, Ada
