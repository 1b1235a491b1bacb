"""A community's news sources, for its owners and animators: health, add, pause or resume, remove."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import Id
from ruche.communities.selectors import community_for
from ruche.sources import policies, selectors, services

router = Router(tags=["sources"])


class SourceIn(Schema):
    url: str = Field(
        max_length=2048, description="An RSS or Atom feed: fetched now, refused if it is not one."
    )
    keywords: str = Field(
        "", max_length=300, description="Comma-separated: only items mentioning one are published."
    )
    interval_minutes: int = Field(
        60, ge=1, le=max(services.INTERVALS), description=f"One of {', '.join(map(str, services.INTERVALS))}."
    )


class PauseIn(Schema):
    paused: bool


class SourceOut(Schema):
    id: int
    url: str
    title: str
    keywords: str
    interval_minutes: int
    paused: bool
    last_success_at: datetime | None
    last_error: str
    failures: int
    items_published: int
    next_poll_at: datetime


class SourceList(Schema):
    items: list[SourceOut]


def _managed(user, slug: str):
    community, role = community_for(user, slug)
    if not policies.can_manage_sources(user, community, role):
        raise PermissionDenied(_("Only the community's owners and animators manage its news sources."))
    return community


@router.get(
    "/{slug}/sources", response={200: SourceList, **READ_ERRORS}, summary="A community's news sources"
)
def sources(request, slug: str):
    return {"items": selectors.sources_of(_managed(request.auth, slug))}


@router.post("/{slug}/sources", response={201: SourceOut, **WRITE_ERRORS}, summary="Add a news source")
def add(request, slug: str, payload: SourceIn):
    community = _managed(request.auth, slug)
    return Status(201, services.source_add(community=community, by=request.auth, **payload.dict()))


@router.put(
    "/{slug}/sources/{id:source_id}/paused",
    response={200: SourceOut, **WRITE_ERRORS},
    summary="Pause or resume",
)
def pause(request, slug: str, source_id: Id, payload: PauseIn):
    source = selectors.source_in(_managed(request.auth, slug), source_id)
    return services.source_pause(source=source, by=request.auth, paused=payload.paused)


@router.delete(
    "/{slug}/sources/{id:source_id}", response={204: None, **WRITE_ERRORS}, summary="Remove a source"
)
def remove(request, slug: str, source_id: Id):
    source = selectors.source_in(_managed(request.auth, slug), source_id)
    services.source_remove(source=source, by=request.auth)
    return HttpResponse(status=204)
