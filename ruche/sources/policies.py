"""Who may manage a community's news sources: those who manage the community (its owners and
animators, and administrators)."""

from ruche.communities import policies as community_policies


def can_manage_sources(user, community, role: str | None) -> bool:
    return community_policies.can_manage(user, community, role)
