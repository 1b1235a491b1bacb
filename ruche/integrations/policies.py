"""Who may manage a community's incoming webhooks: those who manage the community (its owners and
animators), and administrators for any community."""

from django.utils.translation import gettext_lazy as _

from ruche.communities import policies as community_policies

# Why a page or a service refuses someone who does not manage the integrations.
NOT_MANAGER = _("Only the community's owners and animators manage its integrations.")


def can_manage_integrations(user, community, role: str | None) -> bool:
    return community_policies.can_manage(user, community, role)
