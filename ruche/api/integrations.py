"""A community's incoming webhooks, for its owners and animators (and administrators): list, create,
regenerate the secret, pause or resume, delete. The address's secret is answered once, when made."""

from datetime import datetime

from django.http import HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import Id
from ruche.integrations import selectors, services

router = Router(tags=["integrations"])


class IntegrationIn(Schema):
    name: str = Field(max_length=80, description="The author's name on its posts (“CI Jenkins”).")


class PauseIn(Schema):
    paused: bool


class IntegrationOut(Schema):
    id: int
    name: str
    address: str = Field(description="Where to post, the secret sent in a header (docs/integrations.md).")
    paused: bool
    created: datetime
    last_used_at: datetime | None


class IntegrationMade(IntegrationOut):
    secret: str = Field(description="Shown once: only its hash is kept.")
    address_with_secret: str = Field(description="Where to post, the secret in the path.")


class IntegrationList(Schema):
    items: list[IntegrationOut]


def _out(request, integration, secret: str | None = None) -> dict:
    path = reverse("integrations:incoming", args=[integration.public_id])
    out = {
        "id": integration.pk,
        "name": integration.name,
        "address": request.build_absolute_uri(path),
        "paused": integration.is_paused,
        "created": integration.created,
        "last_used_at": integration.last_used_at,
    }
    if secret is not None:
        out["secret"] = secret
        out["address_with_secret"] = request.build_absolute_uri(f"{path}{secret}/")
    return out


def _integration(request, slug: str, integration_id: int):
    return selectors.integration_in(selectors.managed_community(request.auth, slug)[0], integration_id)


@router.get(
    "/{slug}/integrations",
    response={200: IntegrationList, **READ_ERRORS},
    summary="A community's incoming webhooks",
)
def integrations(request, slug: str):
    community = selectors.managed_community(request.auth, slug)[0]
    return {"items": [_out(request, i) for i in selectors.integrations_of(community, request.auth)]}


@router.post(
    "/{slug}/integrations",
    response={201: IntegrationMade, **WRITE_ERRORS},
    summary="Create an incoming webhook",
)
def create(request, slug: str, payload: IntegrationIn):
    community = selectors.managed_community(request.auth, slug)[0]
    made = services.integration_create(community=community, by=request.auth, name=payload.name)
    return Status(201, _out(request, made.integration, made.secret))


@router.post(
    "/{slug}/integrations/{id:integration_id}/secret",
    response={200: IntegrationMade, **WRITE_ERRORS},
    summary="Regenerate the secret (the old one stops working)",
)
def regenerate(request, slug: str, integration_id: Id):
    integration = _integration(request, slug, integration_id)
    secret = services.integration_regenerate(integration=integration, by=request.auth)
    return _out(request, integration, secret)


@router.put(
    "/{slug}/integrations/{id:integration_id}/paused",
    response={200: IntegrationOut, **WRITE_ERRORS},
    summary="Pause or resume",
)
def pause(request, slug: str, integration_id: Id, payload: PauseIn):
    integration = _integration(request, slug, integration_id)
    services.integration_pause(integration=integration, by=request.auth, paused=payload.paused)
    return _out(request, integration)


@router.delete(
    "/{slug}/integrations/{id:integration_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete (what it posted stays)",
)
def delete(request, slug: str, integration_id: Id):
    services.integration_delete(integration=_integration(request, slug, integration_id), by=request.auth)
    return HttpResponse(status=204)
