"""Your keyword alerts: list, create, remove (new matching content is notified once per post)."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from ruche.alerts import selectors, services
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import Id
from ruche.communities.selectors import community_for

router = Router(tags=["alerts"])


class AlertIn(Schema):
    query: str = Field(max_length=1000, description="The words to watch: a post must hold them all.")
    community: str | None = Field(
        None, max_length=100, description="A community's slug: only posts placed there."
    )


class AlertOut(Schema):
    id: int
    query: str
    community: str | None
    created_at: datetime

    @staticmethod
    def resolve_community(obj):
        return obj.community.slug if obj.community else None


class AlertList(Schema):
    items: list[AlertOut]


@router.get("/", response={200: AlertList, **READ_ERRORS}, summary="Your alerts")
def alerts(request):
    return {"items": selectors.alerts_of(request.auth)}


@router.post("/", response={201: AlertOut, **WRITE_ERRORS}, summary="Create an alert")
def create(request, payload: AlertIn):
    """A community you may not know of answers 404, like one that does not exist."""
    community = community_for(request.auth, payload.community)[0] if payload.community else None
    return Status(201, services.alert_create(user=request.auth, query=payload.query, community=community))


@router.delete("/{id:alert_id}", response={204: None, **WRITE_ERRORS}, summary="Remove an alert")
def delete(request, alert_id: Id):
    services.alert_delete(user=request.auth, alert_id=alert_id)
    return HttpResponse(status=204)
