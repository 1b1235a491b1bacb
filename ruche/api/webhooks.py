"""Outgoing webhooks (docs/webhooks.md): the company's for administrators, a community's for its
owners. The same services as the pages; the secret is in the answer of the creation only."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ruche.activities import policies, selectors, services
from ruche.activities.models import Activity
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import Id
from ruche.communities.selectors import community_for

router = Router(tags=["webhooks"])


class EndpointIn(Schema):
    name: str = Field(max_length=80)
    url: str = Field(max_length=500, description="https://, to a public address.")
    types: list[str] = Field(description=f"Activity types wanted: {', '.join(Activity.Type.values)}.")
    community: str | None = Field(
        None,
        max_length=100,
        description="A community's slug (you own it); none: company-wide (administrators).",
    )


class EndpointOut(Schema):
    id: int
    name: str
    url: str
    types: list[str]
    community: str | None
    active: bool
    paused_reason: str
    failing_since: datetime | None
    created: datetime

    @staticmethod
    def resolve_community(obj):
        return obj.community.slug if obj.community_id else None


class EndpointCreated(EndpointOut):
    secret: str = Field(description="The signing secret: shown in this answer only.")


class EndpointList(Schema):
    items: list[EndpointOut]


class DeliveryOut(Schema):
    id: int
    uid: str
    event: str
    attempt: int
    status: str
    status_code: int | None
    duration_ms: int | None
    response_excerpt: str
    error: str
    created: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None

    @staticmethod
    def resolve_uid(obj):
        return str(obj.uid)


class DeliveryList(Schema):
    items: list[DeliveryOut]


class PauseIn(Schema):
    paused: bool


def _scope(user, slug: str | None):
    community = community_for(user, slug)[0] if slug else None
    if not policies.can_manage_webhooks(user, community):
        raise PermissionDenied(_("You cannot manage webhooks here."))
    return community


@router.get("/", response={200: EndpointList, **WRITE_ERRORS}, summary="Webhooks")
def endpoints(request, community: str | None = None):
    """The company's endpoints (administrators), or with `community` that community's (its owners)."""
    return {"items": selectors.endpoints(_scope(request.auth, community))}


@router.post("/", response={201: EndpointCreated, **WRITE_ERRORS}, summary="Register a webhook")
def create(request, payload: EndpointIn):
    community = _scope(request.auth, payload.community)
    endpoint = services.endpoint_create(
        by=request.auth, community=community, name=payload.name, url=payload.url, types=payload.types
    )
    return Status(201, endpoint)


@router.get("/{id:webhook_id}", response={200: EndpointOut, **READ_ERRORS}, summary="A webhook")
def endpoint(request, webhook_id: Id):
    return policies.access_any_endpoint(request.auth, webhook_id)


@router.get(
    "/{id:webhook_id}/deliveries",
    response={200: DeliveryList, **READ_ERRORS},
    summary="Its recent deliveries",
)
def deliveries(request, webhook_id: Id):
    return {"items": selectors.recent_deliveries(policies.access_any_endpoint(request.auth, webhook_id))}


@router.post(
    "/{id:webhook_id}/test", response={202: DeliveryOut, **WRITE_ERRORS}, summary="Send a test event"
)
def test(request, webhook_id: Id):
    endpoint = policies.access_any_endpoint(request.auth, webhook_id)
    return Status(202, services.endpoint_test(by=request.auth, endpoint=endpoint))


@router.post("/{id:webhook_id}/pause", response={200: EndpointOut, **WRITE_ERRORS}, summary="Pause or resume")
def pause(request, webhook_id: Id, payload: PauseIn):
    endpoint = policies.access_any_endpoint(request.auth, webhook_id)
    return services.endpoint_pause(by=request.auth, endpoint=endpoint, paused=payload.paused)


@router.delete("/{id:webhook_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a webhook")
def delete(request, webhook_id: Id):
    services.endpoint_delete(by=request.auth, endpoint=policies.access_any_endpoint(request.auth, webhook_id))
    return HttpResponse(status=204)
