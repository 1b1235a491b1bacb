"""Who may tune what: a person tunes only their own preferences, for what they may see."""

from ruche.posts.policies import can_view_post


def can_tune_community(user, community) -> bool:
    """A community's level can be set by whoever may know it exists."""
    from ruche.communities.policies import can_see_community
    from ruche.communities.selectors import role_of

    return can_see_community(user, community, role_of(user, community))


def can_mute_thread(user, post) -> bool:
    return can_view_post(user, post.parent or post)
