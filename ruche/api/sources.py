"""A community's news sources, for its owners and animators: health, add, pause or resume, remove."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.schemas import Id
from ruche.sources import selectors, services

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


@router.get(
    "/{slug}/sources", response={200: SourceList, **READ_ERRORS}, summary="A community's news sources"
)
def sources(request, slug: str):
    return {"items": selectors.sources_of(selectors.managed_community(request.auth, slug)[0])}


@router.post("/{slug}/sources", response={201: SourceOut, **WRITE_ERRORS}, summary="Add a news source")
def add(request, slug: str, payload: SourceIn):
    community = selectors.managed_community(request.auth, slug)[0]
    return Status(201, services.source_add(community=community, by=request.auth, **payload.dict()))


@router.put(
    "/{slug}/sources/{id:source_id}/paused",
    response={200: SourceOut, **WRITE_ERRORS},
    summary="Pause or resume",
)
def pause(request, slug: str, source_id: Id, payload: PauseIn):
    source = selectors.source_in(selectors.managed_community(request.auth, slug)[0], source_id)
    return services.source_pause(source=source, by=request.auth, paused=payload.paused)


@router.delete(
    "/{slug}/sources/{id:source_id}", response={204: None, **WRITE_ERRORS}, summary="Remove a source"
)
def remove(request, slug: str, source_id: Id):
    source = selectors.source_in(selectors.managed_community(request.auth, slug)[0], source_id)
    services.source_remove(source=source, by=request.auth)
    return HttpResponse(status=204)
