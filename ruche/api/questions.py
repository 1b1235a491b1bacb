"""Questions: lists by state (everywhere or in a community), ask, vote for answers, accept one, call on
experts. A question is a post; its answers are its replies (POST /posts/{id}/replies)."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status

from ruche import resolvers
from ruche.api import selectors as api_selectors
from ruche.api.common import READ_ERRORS, WRITE_ERRORS
from ruche.api.errors import Error, on_field
from ruche.api.posts import chosen_communities
from ruche.api.schemas import (
    AcceptOut,
    ExpertsIn,
    ExpertsOut,
    Id,
    PageQuery,
    PostIn,
    PostOut,
    PostPage,
    VoteOut,
)
from ruche.communities import policies as community_policies
from ruche.posts import selectors as post_selectors
from ruche.posts.models import Post
from ruche.posts.selectors import access_post
from ruche.qa import selectors, services
from ruche.qa.policies import is_answer, is_question

router = Router(tags=["questions"])


class QuestionsQuery(PageQuery):
    state: Literal["unanswered", "open", "resolved", "all"] = "unanswered"
    community: str | None = Field(None, max_length=90, description="A community's slug or id")


def _answer_or_404(user, pk: int) -> Post:
    answer = access_post(user, pk)
    if not is_answer(answer):
        raise Http404
    return answer


@router.get(
    "/", response={200: PostPage, 400: Error, 403: Error, **READ_ERRORS}, summary="Questions by state"
)
def questions(request, params: Query[QuestionsQuery]):
    """`unanswered` (the default), `open` (answered, none accepted), `resolved`, or `all`; an unknown
    `community` is a 400 naming it."""
    community = None
    if params.community:
        community, role = resolvers.community(request.auth, params.community, field="community")
        if not community_policies.can_read(request.auth, community, role):
            raise PermissionDenied(_("Only the members of this community can read it."))
    return selectors.questions(
        request.auth, state=params.state, community=community, before=params.before, size=params.limit
    )


@router.post("/", response={201: PostOut, **WRITE_ERRORS}, summary="Ask a question")
def ask(request, payload: PostIn):
    """Like publishing a post (communities, `client_token`), but the post waits for answers."""
    post = services.question_ask(
        author=request.auth,
        body=payload.body,
        client_token=payload.client_token,
        communities=chosen_communities(request.auth, payload.communities),
        attachments=payload.attachments,
    )
    return Status(201, post_selectors.post_detail(request.auth, post.pk))


def _votes(answer: Post, voted: bool) -> dict:
    return {"voted": voted, "vote_count": api_selectors.vote_count_of(answer.pk)}


@router.post("/answers/{id:answer_id}/vote", response={200: VoteOut, **WRITE_ERRORS}, summary="Vote")
def vote(request, answer_id: Id):
    answer = _answer_or_404(request.auth, answer_id)
    services.answer_vote(user=request.auth, answer=answer)
    return _votes(answer, True)


@router.delete("/answers/{id:answer_id}/vote", response={200: VoteOut, **WRITE_ERRORS}, summary="Unvote")
def unvote(request, answer_id: Id):
    answer = _answer_or_404(request.auth, answer_id)
    services.answer_unvote(user=request.auth, answer=answer)
    return _votes(answer, False)


@router.post("/answers/{id:answer_id}/accept", response={200: AcceptOut, **WRITE_ERRORS}, summary="Accept")
def accept(request, answer_id: Id):
    """The asker (or a moderator) marks the answer that solved the question."""
    answer = _answer_or_404(request.auth, answer_id)
    question = services.answer_accept(by=request.auth, answer=answer)
    return {"question_id": question.pk, "accepted_answer_id": question.accepted_answer_id}


@router.delete(
    "/answers/{id:answer_id}/accept", response={200: AcceptOut, **WRITE_ERRORS}, summary="Unaccept"
)
def unaccept(request, answer_id: Id):
    answer = _answer_or_404(request.auth, answer_id)
    question = services.answer_unaccept(by=request.auth, answer=answer)
    return {"question_id": question.pk, "accepted_answer_id": question.accepted_answer_id}


@router.post("/{id:question_id}/experts", response={200: ExpertsOut, **WRITE_ERRORS}, summary="Ask experts")
def ask_experts(request, question_id: Id, payload: ExpertsIn):
    """Call on up to 5 colleagues (by user id) who can read the question; each is notified once."""
    question = access_post(request.auth, question_id)
    if not is_question(question):
        raise Http404
    experts = api_selectors.active_people(payload.user_ids)
    with on_field("user_ids"):
        asked = services.question_ask_experts(by=request.auth, question=question, experts=experts)
    return {"asked": [r.expert for r in asked]}
