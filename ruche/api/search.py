"""Search: what the header's search box finds, grouped by kind, and "who knows about X?"."""

from datetime import date, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from ruche.api.common import READ_ERRORS
from ruche.api.errors import Error
from ruche.api.schemas import Id, PersonRef
from ruche.search import selectors
from ruche.search.documents import Kind
from ruche.search.forms import day_start
from ruche.search.services import search_ran

router = Router(tags=["search"])

KindName = Literal["", "question", "post", "reply", "person", "community", "hashtag"]


class SearchQuery(Schema):
    q: str = Field(
        "", max_length=1000, description="Words (accents and case ignored; the last one may be a prefix)"
    )
    kind: KindName = Field(
        "", description="One kind only (then `offset` pages through it); empty: every kind"
    )
    community: Id | None = Field(None, description="Posts, questions and replies of this community")
    author: str | None = Field(None, max_length=64, description="Posts, questions and replies by this handle")
    since: date | None = None
    until: date | None = Field(None, description="Inclusive")
    department: Id | None = Field(None, description="People of this department")
    site: Id | None = Field(None, description="People of this site")
    order: Literal["relevance", "date"] = "relevance"
    offset: int = Field(0, ge=0, le=100_000)


class HitOut(Schema):
    kind: str
    id: int
    url: str
    title_html: str = Field(description="Escaped text, the matching words in <mark>")
    snippet_html: str = Field(description="Escaped text, the matching words in <mark>")
    score: float

    @staticmethod
    def resolve_id(hit):
        return hit.object.pk

    @staticmethod
    def resolve_url(hit):
        return hit.object.get_absolute_url()

    @staticmethod
    def resolve_title_html(hit):
        return str(hit.title)

    @staticmethod
    def resolve_snippet_html(hit):
        return str(hit.snippet)


class GroupOut(Schema):
    kind: str
    label: str
    count: int
    capped: bool = Field(description="More matches than were looked at: `count` is a lower bound")
    next_offset: int | None
    hits: list[HitOut]


class SearchOut(Schema):
    query: str
    words: list[str]
    groups: list[GroupOut]


class ExpertOut(Schema):
    person: PersonRef
    score: int
    explanation: str
    skills: list[str]
    posts: int
    replies: int
    accepted_answers: int

    @staticmethod
    def resolve_skills(expert):
        return [skill.name for skill in expert.skills]


def _refused(field: str, error: str):
    """An empty or too long query: a 400 naming the field, in the caller's language."""
    raise ValidationError({field: [error]})


@router.get("/", response={200: SearchOut, 400: Error, **READ_ERRORS}, summary="Search")
def search(request, params: Query[SearchQuery]):
    """Everything the caller may see that matches, grouped by kind; a private community's content
    is only found by its members."""
    filters = selectors.Filters(
        kind=params.kind if params.kind in Kind.values else "",
        community=params.community,
        author=selectors.author_id(params.author or ""),
        since=day_start(params.since),
        until=day_start(params.until + timedelta(days=1)) if params.until else None,
        department=params.department,
        site=params.site,
        order=params.order,
        offset=params.offset,
    )
    results = selectors.search(viewer=request.auth, query=params.q, filters=filters)
    search_ran(user=request.auth, query=params.q, total=results.total, offset=params.offset)
    if results.error:
        _refused("q", results.error)
    return {"query": results.query, "words": list(results.words), "groups": results.groups}


class ExpertsQuery(Schema):
    topic: str = Field(..., max_length=1000)
    limit: int = Field(10, ge=1, le=50)


@router.get(
    "/experts", response={200: list[ExpertOut], 400: Error, **READ_ERRORS}, summary="Who knows about…"
)
def experts(request, params: Query[ExpertsQuery]):
    """People ranked by declared skills, what they wrote and the answers of theirs that were accepted."""
    results = selectors.search_terms_only(params.topic)
    if results.error:
        _refused("topic", results.error)
    return selectors.experts_for(viewer=request.auth, topic=params.topic, limit=params.limit)
