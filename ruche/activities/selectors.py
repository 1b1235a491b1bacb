"""Reads of activities: a person's and a community's outbox, newest first, paged by keyset and
filtered for the reader (policies.visible_activities); webhooks for their pages."""

from django.db.models import Exists, OuterRef, Q

from ruche.activities.models import Activity, WebhookDelivery, WebhookEndpoint
from ruche.activities.policies import visible_activities
from ruche.communities.models import Community, Placement
from ruche.core.pagination import Page, page_from

OUTBOX_PAGE = 20
RELATED = (
    "actor",
    "post__author",
    "post__parent",
    "post__shared_post__author",
    "post__shared_post__parent",
    "community",
)


def _page(reader, activities, before: int | None, size: int) -> Page[Activity]:
    activities = visible_activities(reader, activities)
    if before:
        activities = activities.filter(pk__lt=before)
    return page_from(list(activities.select_related(*RELATED).order_by("-pk")[: size + 1]), size)


def person_outbox(reader, person, *, before: int | None = None, size: int = OUTBOX_PAGE) -> Page[Activity]:
    return _page(reader, Activity.objects.filter(actor=person), before, size)


def in_community(community_id) -> Q:
    """Activities that happened in a community: joining or leaving it, and every activity about a
    post (or a reply to a post) placed in it."""
    placed = Placement.objects.filter(
        Q(post_id=OuterRef("post_id")) | Q(post_id=OuterRef("post__parent_id")),
        community_id=community_id,
        status=Placement.Status.APPROVED,
    )
    return Q(community_id=community_id) | Q(Exists(placed))


def community_outbox(
    reader, community: Community, *, before: int | None = None, size: int = OUTBOX_PAGE
) -> Page[Activity]:
    return _page(reader, Activity.objects.filter(in_community(community.pk)), before, size)


def activity_for(reader, pk: int) -> Activity | None:
    return visible_activities(reader, Activity.objects.filter(pk=pk)).select_related(*RELATED).first()


def endpoints(community: Community | None) -> list[WebhookEndpoint]:
    return list(
        WebhookEndpoint.objects.filter(community=community).select_related("owner").order_by("name", "pk")
    )


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = 30) -> list[WebhookDelivery]:
    return list(endpoint.deliveries.order_by("-pk")[:limit])
