from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ruche.communities.selectors import community_for
from ruche.sources import policies
from ruche.sources.models import Source


def managed_community(user, slug: str):
    """The community and the user's role, for those who manage its sources: 404 when the user may
    not know it exists, 403 when they do not manage it (pages and API alike)."""
    community, role = community_for(user, slug)
    if not policies.can_manage_sources(user, community, role):
        raise PermissionDenied(policies.NOT_MANAGER)
    return community, role


def sources_of(community) -> list[Source]:
    return list(Source.objects.filter(community=community).select_related("added_by").order_by("title", "pk"))


def source_in(community, pk: int) -> Source:
    return get_object_or_404(Source.objects.select_related("community"), community=community, pk=pk)
