"""Live events about an idea's discussion reach only the campaign's audience, as its pages do."""

import pytest

from ruche.communities.models import Community
from ruche.posts import services as posts
from ruche.posts.policies import can_view_post
from ruche.realtime import policies
from ruche.realtime.models import RealtimeEvent


def hears(user, post) -> bool:
    return bool(set(policies.stream_channels(user)) & set(policies.post_channels(post)))


def test_counts_of_an_idea_go_to_its_campaign_channel_only(idea, author, voter, outsider, side_effects):
    with side_effects():
        posts.reaction_set(user=voter, post=idea.post, kind="like")
        reply = posts.post_create(author=voter, body="Bonne idée", parent=idea.post)
    channels = set(
        RealtimeEvent.objects.filter(type="post.counts").values_list("channel", flat=True).distinct()
    )
    assert channels == {f"campaign:{idea.campaign_id}"}
    assert hears(voter, idea.post) and hears(voter, reply)
    assert not hears(outsider, idea.post) and not hears(outsider, reply)


@pytest.mark.parametrize("who", ["author", "voter", "outsider", "reviewer", "manager", "admin"])
def test_whoever_hears_about_a_post_may_read_it(request, idea, make_community, author, who):
    """The rule for every live event about a post: hearing of it implies being able to open it."""
    user = request.getfixturevalue(who)
    private = make_community("Atelier", visibility=Community.Visibility.PRIVATE, owner=author)
    secret = make_community("Comité", visibility=Community.Visibility.SECRET, owner=author)
    cases = [
        idea.post,
        posts.post_create(author=author, body="Sur l'idée", parent=idea.post),
        posts.post_create(author=author, body="Pour tous"),
        posts.post_create(author=author, body="Atelier", communities=[private]),
        posts.post_create(author=author, body="Comité", communities=[secret]),
    ]
    for post in cases:
        assert not hears(user, post) or can_view_post(user, post), (who, post.body)
