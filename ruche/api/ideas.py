"""Innovation campaigns and ideas: list and read campaigns, submit ideas, vote, follow, move ideas
through the workflow, review, merge, results. The same services and policies as the pages: a campaign
or idea the caller may not see answers 404."""

import uuid
from datetime import datetime
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from ruche import resolvers
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.errors import Error, on_field
from ruche.api.schemas import ATTACHMENTS, AttachmentOut, Id, PersonRef, Whole
from ruche.ideas import policies, selectors, services

router = Router(tags=["ideas"])


class StageOut(Schema):
    id: int
    name: str
    terminal: bool
    decision: bool

    @staticmethod
    def resolve_name(obj):
        return obj.label


class StageCount(Schema):
    id: int
    name: str
    terminal: bool
    decision: bool
    ideas: int


class CampaignOut(Schema):
    id: int
    title: str
    state: str
    starts_at: datetime
    ends_at: datetime
    idea_count: int
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class CampaignDetail(CampaignOut):
    brief: str
    brief_html: str
    audience: str
    stages: list[StageCount]
    can_submit: bool
    can_manage: bool


class CampaignList(Schema):
    items: list[CampaignOut]


class IdeaOut(Schema):
    id: int = Field(..., alias="pk")
    campaign_id: int
    title: str
    author: PersonRef
    stage: StageOut
    vote_count: int
    created: datetime
    url: str
    voted: bool = Field(False, alias="my_vote")

    @staticmethod
    def resolve_url(obj):
        return obj["url"] if isinstance(obj, dict) else obj.get_absolute_url()


class IdeaPageOut(Schema):
    items: list[IdeaOut]
    page: int
    has_next: bool


class TransitionOut(Schema):
    source: StageOut | None
    target: StageOut
    by: PersonRef
    rationale: str
    at: datetime


class IdeaDetail(IdeaOut):
    description: str
    description_html: str
    attachments: list[AttachmentOut]
    follower_count: int
    merged_into: int | None
    tags: list[str]
    coauthors: list[PersonRef]
    history: list[TransitionOut]
    moves: list[StageOut]
    following: bool
    can_vote: bool


class IdeaIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=10000)
    tags: list[str] = Field(default_factory=list, max_length=10)
    coauthors: list[str] = Field(default_factory=list, max_length=5, description="Handles")
    client_token: uuid.UUID | None = None
    attachments: list[Id] = ATTACHMENTS


class IdeasQuery(Schema):
    stage: str | None = Field(
        None, max_length=80, description="A stage of the campaign's workflow: its id or its name"
    )
    order: Literal["votes", "newest", "trending"] = "votes"
    page: int = Field(1, ge=1, le=selectors.MAX_PAGES)


class MoveIn(Schema):
    stage: Id | str = Field(..., description="The stage to move to: its id or its name")
    rationale: str = Field("", max_length=5000)


class ReviewIn(Schema):
    scores: dict[Id, Whole] = Field(..., description="criterion id -> score from 1 to 5")
    comment: str = Field("", max_length=5000)


class ReviewerIn(Schema):
    reviewer: str = Field(..., max_length=64, description="The reviewer's handle")


class MergeIn(Schema):
    into: Id = Field(..., description="The idea kept")


class VoteOut(Schema):
    voted: bool
    vote_count: int


class ResultsOut(Schema):
    population: int
    contributors: int
    voters: int
    votes: int
    ideas: int
    funnel: list[StageCount]
    top: list[IdeaOut]


def _stage_counts(campaign) -> list[dict]:
    return [
        {"id": s.pk, "name": s.label, "terminal": s.terminal, "decision": s.decision, "ideas": n}
        for s, n in selectors.stage_counts(campaign)
    ]


@router.get("/campaigns", response={200: CampaignList, **READ_ERRORS}, summary="Campaigns you may see")
def campaigns(request):
    return {"items": selectors.campaigns_for(request.auth)}


@router.get(
    "/campaigns/{id:campaign_id}", response={200: CampaignDetail, **READ_ERRORS}, summary="A campaign"
)
def campaign(request, campaign_id: Id):
    campaign = policies.access_campaign(request.auth, campaign_id)
    campaign.stages = _stage_counts(campaign)
    campaign.can_submit = policies.can_submit(request.auth, campaign)
    campaign.can_manage = policies.can_manage(request.auth, campaign)
    return campaign


@router.get(
    "/campaigns/{id:campaign_id}/ideas",
    response={200: IdeaPageOut, 400: Error, **READ_ERRORS},
    summary="A campaign's ideas",
)
def ideas(request, campaign_id: Id, params: Query[IdeasQuery]):
    """Filtered by `stage`, ordered by `votes` (the default), `newest` or `trending` (votes of the
    last 7 days); 20 a page, up to 50 pages. A `stage` (id or name) the workflow lacks is a 400."""
    campaign = policies.access_campaign(request.auth, campaign_id)
    stage = resolvers.stage(campaign.workflow_id, params.stage, field="stage") if params.stage else None
    page = selectors.campaign_ideas(request.auth, campaign, stage=stage, order=params.order, page=params.page)
    return {"items": page.items, "page": page.number, "has_next": page.has_next}


@router.post(
    "/campaigns/{id:campaign_id}/ideas", response={201: IdeaDetail, **WRITE_ERRORS}, summary="Submit an idea"
)
def submit(request, campaign_id: Id, payload: IdeaIn):
    campaign = policies.access_campaign(request.auth, campaign_id)
    idea = services.idea_submit(
        campaign=campaign,
        author=request.auth,
        title=payload.title,
        description=payload.description,
        tags=payload.tags,
        coauthors=resolvers.people(payload.coauthors, field="coauthors"),
        client_token=payload.client_token,
        attachments=payload.attachments,
    )
    return Status(201, _detail(request.auth, idea.pk))


@router.get(
    "/campaigns/{id:campaign_id}/results", response={200: ResultsOut, **READ_ERRORS}, summary="Results"
)
def results(request, campaign_id: Id):
    campaign = policies.access_campaign(request.auth, campaign_id)
    r = selectors.results(campaign)
    return {
        "population": r.population,
        "contributors": r.contributors,
        "voters": r.voters,
        "votes": r.votes,
        "ideas": r.ideas,
        "funnel": [
            {"id": s.pk, "name": s.label, "terminal": s.terminal, "decision": s.decision, "ideas": n}
            for s, n, _width, _x in r.funnel
        ],
        "top": r.top,
    }


def _detail(viewer, pk: int) -> dict:
    idea = policies.access_idea(viewer, pk)
    d = selectors.idea_detail(viewer, idea)
    return {
        **{
            name: getattr(idea, name) for name in ("pk", "campaign_id", "title", "author", "stage", "created")
        },
        "vote_count": idea.vote_count,
        "follower_count": idea.follower_count,
        "url": idea.get_absolute_url(),
        "my_vote": idea.my_vote,
        "description": d.post.body,
        "description_html": d.post.body_html,
        "attachments": d.post.files,
        "merged_into": idea.merged_into_id,
        "tags": [t.name for t in idea.tags.all()],
        "coauthors": [c.user for c in d.coauthors],
        "history": d.history,
        "moves": d.moves,
        "following": d.following,
        "can_vote": d.can_vote,
    }


@router.get("/{id:idea_id}", response={200: IdeaDetail, **READ_ERRORS}, summary="An idea, with its history")
def idea(request, idea_id: Id):
    """Its discussion is its post's replies: GET /posts/{id} with the same id."""
    return _detail(request.auth, idea_id)


@router.put("/{id:idea_id}/vote", response={200: VoteOut, **WRITE_ERRORS}, summary="Vote for an idea")
def vote(request, idea_id: Id):
    idea = policies.access_idea(request.auth, idea_id)
    services.idea_vote(idea=idea, user=request.auth)
    idea.refresh_from_db(fields=["vote_count"])
    return {"voted": True, "vote_count": idea.vote_count}


@router.delete("/{id:idea_id}/vote", response={200: VoteOut, **WRITE_ERRORS}, summary="Remove your vote")
def unvote(request, idea_id: Id):
    idea = policies.access_idea(request.auth, idea_id)
    services.idea_unvote(idea=idea, user=request.auth)
    idea.refresh_from_db(fields=["vote_count"])
    return {"voted": False, "vote_count": idea.vote_count}


@router.put("/{id:idea_id}/follow", response={204: None, **WRITE_ERRORS}, summary="Follow an idea")
def follow(request, idea_id: Id):
    services.idea_follow(idea=policies.access_idea(request.auth, idea_id), user=request.auth)
    return HttpResponse(status=204)


@router.delete("/{id:idea_id}/follow", response={204: None, **WRITE_ERRORS}, summary="Stop following")
def unfollow(request, idea_id: Id):
    services.idea_unfollow(idea=policies.access_idea(request.auth, idea_id), user=request.auth)
    return HttpResponse(status=204)


@router.post("/{id:idea_id}/moves", response={201: TransitionOut, **WRITE_ERRORS}, summary="Move an idea")
def move(request, idea_id: Id, payload: MoveIn):
    """To a stage the workflow allows from the current one; a decision stage needs a `rationale`."""
    idea = policies.access_idea(request.auth, idea_id)
    stage = resolvers.stage(idea.campaign.workflow_id, payload.stage, field="stage")
    return Status(
        201, services.idea_move(idea=idea, stage=stage, by=request.auth, rationale=payload.rationale)
    )


@router.post("/{id:idea_id}/reviewers", response={204: None, **WRITE_ERRORS}, summary="Assign a reviewer")
def assign(request, idea_id: Id, payload: ReviewerIn):
    idea = policies.access_idea(request.auth, idea_id)
    reviewer = resolvers.person(payload.reviewer, field="reviewer")
    services.review_assign(idea=idea, reviewer=reviewer, by=request.auth)
    return HttpResponse(status=204)


@router.put("/{id:idea_id}/review", response={204: None, **WRITE_ERRORS}, summary="Score an assigned idea")
def review(request, idea_id: Id, payload: ReviewIn):
    idea = policies.access_idea(request.auth, idea_id)
    with on_field("scores"):
        services.review_submit(
            idea=idea, reviewer=request.auth, scores=payload.scores, comment=payload.comment
        )
    return HttpResponse(status=204)


@router.post("/{id:idea_id}/merge", response={200: IdeaOut, **WRITE_ERRORS}, summary="Merge a duplicate")
def merge(request, idea_id: Id, payload: MergeIn):
    """This idea is a duplicate of `into`: votes and followers move over; `into` is returned."""
    duplicate = policies.access_idea(request.auth, idea_id)
    return services.idea_merge(
        duplicate=duplicate, into=policies.access_idea(request.auth, payload.into), by=request.auth
    )
