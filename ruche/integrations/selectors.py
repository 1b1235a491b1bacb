"""Reads of incoming webhooks: a community's list for its managers, and the one a request names."""

from django.core.exceptions import PermissionDenied
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from ruche.communities.selectors import community_for
from ruche.integrations import policies
from ruche.integrations.models import Integration
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts

RECENT_POSTS = 5


def managed_community(user, slug: str):
    """The community and the user's role, for those who manage its integrations: 404 when the user
    may not know it exists, 403 when they do not manage it."""
    community, role = community_for(user, slug)
    if not policies.can_manage_integrations(user, community, role):
        raise PermissionDenied(policies.NOT_MANAGER)
    return community, role


def integrations_of(community, viewer) -> list[Integration]:
    """The community's integrations, each with its latest posts as `viewer` may read them (two
    queries, whatever the number of integrations)."""
    integrations = list(
        Integration.objects.filter(community=community).select_related("bot", "bot__profile", "created_by")
    )
    bots = [i.bot_id for i in integrations]
    recent: dict[int, list[Post]] = {}
    posts = visible_posts(viewer, Post.objects.filter(author_id__in=bots, parent__isnull=True)).alive()
    # The latest few of each integration in one query, with a window per author.
    ranked = posts.annotate(
        rank=Window(RowNumber(), partition_by=F("author_id"), order_by=F("id").desc())
    ).filter(rank__lte=RECENT_POSTS)
    for post in sorted(ranked, key=lambda p: -p.pk) if bots else []:
        recent.setdefault(post.author_id, []).append(post)
    for integration in integrations:
        integration.recent_posts = recent.get(integration.bot_id, [])
    return integrations


def integration_in(community, pk: int) -> Integration:
    return get_object_or_404(
        Integration.objects.select_related("community", "bot"), community=community, pk=pk
    )


def integration_by_public_id(public_id: str) -> Integration | None:
    return (
        Integration.objects.select_related("community", "bot", "bot__profile")
        .filter(public_id=public_id)
        .first()
    )
