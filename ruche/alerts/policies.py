from ruche.communities import policies as community_policies


def can_watch_community(user, community, role: str | None) -> bool:
    """An alert may be limited to a community the person can read."""
    return community_policies.can_read(user, community, role)
