"""Who may receive which event. A stream hears its owner's events and the channels of what its
owner may read: "public" (posts every colleague may read), "community:<id>" for each community they
belong to (members are the readers of a private one) and "campaign:<id>" for each innovation
campaign they may see (an idea's discussion stays inside its audience). `post_channels` is
`posts.policies.visible_posts` asked of channels instead of people: keep them in step."""

PUBLIC = "public"


def community_channel(community_id: int) -> str:
    return f"community:{community_id}"


def campaign_channel(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def stream_channels(user) -> list[str]:
    from ruche.communities.models import Membership

    if not (user.is_authenticated and user.is_active):
        return []
    from ruche.ideas.models import Campaign
    from ruche.ideas.policies import visible_campaign_ids

    communities = Membership.objects.filter(user=user).values_list("community_id", flat=True)
    campaigns = Campaign.objects.filter(pk__in=visible_campaign_ids(user)).values_list("pk", flat=True)
    return [PUBLIC, *map(community_channel, communities), *map(campaign_channel, campaigns)]


def post_channels(post) -> list[str]:
    """The channels whose listeners may all see `post` (a reply follows its thread): the same rule
    as posts.policies.visible_posts, asked of channels instead of people. Nothing for a post that
    is deleted, hidden or waiting for a moderator."""
    from ruche.communities.models import Community, Placement

    root = post.parent or post
    for item in {post, root}:
        if item.deleted_at or item.hidden_at or item.awaiting_approval:
            return []
    if root.campaign_id or post.campaign_id:
        return [campaign_channel(root.campaign_id or post.campaign_id)]
    placements = list(root.placements.select_related("community").only("status", "community__visibility"))
    if not placements:
        return [PUBLIC]
    published = [p for p in placements if p.status == Placement.Status.APPROVED]
    if any(p.community.visibility == Community.Visibility.PUBLIC for p in published):
        return [PUBLIC]
    return [community_channel(p.community_id) for p in published]
