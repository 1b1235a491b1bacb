"""Who may read which activity, and who may manage which webhook. Every such check is here.

An activity is shown to a reader exactly when its subject is: one about a post (a post, a reply, a
reaction, a share, an accepted answer, an idea) when `ruche.posts.policies.visible_posts` returns
that post for them (communities, campaigns, moderation, deletion: the one visibility policy); a
deleted post's Delete to its author and administrators only (nothing of a deleted post is left to
decide on); a community's Join or Leave when the community's page exists for them (a secret one:
its members, invitees and administrators); a Follow to every colleague, as the directory is."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ruche.accounts.policies import is_admin
from ruche.activities.models import Activity, WebhookEndpoint
from ruche.communities.models import Community, Membership
from ruche.communities.policies import listed_communities
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts


def _colleague(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def visible_activities(user, activities: QuerySet) -> QuerySet:
    """Narrow an Activity queryset, in SQL, to what `user` may read."""
    if not _colleague(user):
        return activities.none()
    # Asked of each candidate row (a page reads about 20): not the list of every post the reader may see.
    readable_post = Exists(visible_posts(user, Post.objects.filter(pk=OuterRef("post_id"))).values("pk"))
    listed = Exists(listed_communities(user, Community.objects.filter(pk=OuterRef("community_id"))))
    deleted = Q(type=Activity.Type.DELETE) & (Q() if is_admin(user) else Q(actor=user))
    return activities.filter(
        Q(post__isnull=True, community__isnull=True)
        | (Q(post__isnull=True) & listed)
        | (Q(post__isnull=False) & ~Q(type=Activity.Type.DELETE) & readable_post)
        | deleted
    )


def can_view_activity(user, activity: Activity) -> bool:
    return visible_activities(user, Activity.objects.filter(pk=activity.pk)).exists()


# Webhooks: administrators register company-wide endpoints, a community's owners their community's.


def _owner_of(user, community: Community) -> bool:
    return Membership.objects.filter(community=community, user=user, role=Membership.Role.OWNER).exists()


def can_manage_webhooks(user, community: Community | None) -> bool:
    if not _colleague(user):
        return False
    if community is None:
        return is_admin(user)
    return community.approved and _owner_of(user, community)


def access_endpoint(user, community: Community | None, pk: int) -> WebhookEndpoint:
    """The endpoint `pk` of this scope (the company's, or this community's); 404 alike for missing,
    another scope's, and an endpoint the user may not manage."""
    endpoint = WebhookEndpoint.objects.filter(pk=pk, community=community).first()
    if endpoint is None or not can_manage_webhooks(user, community):
        raise Http404
    return endpoint


def access_any_endpoint(user, pk: int) -> WebhookEndpoint:
    """The endpoint `pk`, whatever its scope, for someone who may manage it (the API); 404 alike for
    missing and for someone who may not."""
    endpoint = WebhookEndpoint.objects.select_related("community").filter(pk=pk).first()
    if endpoint is None or not can_manage_webhooks(user, endpoint.community):
        raise Http404
    return endpoint
