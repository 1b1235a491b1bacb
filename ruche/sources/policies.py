"""Who may manage a community's news sources: those who manage the community (its owners and
animators, and administrators)."""

from django.utils.translation import gettext_lazy as _

from ruche.communities import policies as community_policies

# Why a page, an API call or a service refuses someone who does not manage the sources.
NOT_MANAGER = _("Only the community's owners and animators manage its news sources.")


def can_manage_sources(user, community, role: str | None) -> bool:
    return community_policies.can_manage(user, community, role)
