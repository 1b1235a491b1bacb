"""Writes on questions: ask, vote for an answer, accept one, call on experts.
Answers are replies, written by `ruche.posts.services.post_create`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.communities.services import atomic
from ruche.core.events import publish
from ruche.posts.models import Post
from ruche.posts.services import post_create
from ruche.qa import policies
from ruche.qa.events import AnswerAccepted
from ruche.qa.models import AnswerVote, ExpertRequest, Question

MAX_EXPERTS_ASKED = 5


@atomic
def question_ask(*, author: User, body: str, communities=(), client_token=None, attachments=()) -> Post:
    """Publish a question: a post (feeds, communities, mentions, search) that is also a Question."""
    post = post_create(
        author=author, body=body, communities=communities, client_token=client_token, attachments=attachments
    )
    Question.objects.get_or_create(post=post)
    return post


def question_note_answer(*, reply: Post) -> None:
    """Called for every new reply: the first one by someone else starts the question's clock."""
    Question.objects.filter(pk=reply.parent_id, first_answer_at__isnull=True).exclude(
        post__author_id=reply.author_id
    ).update(first_answer_at=reply.created)


def question_forget_answer(*, answer: Post) -> None:
    """A deleted answer no longer solves anything: its question is open again."""
    Question.objects.filter(accepted_answer=answer).update(
        accepted_answer=None, accepted_by=None, accepted_at=None
    )


@transaction.atomic
def answer_vote(*, user: User, answer: Post) -> AnswerVote:
    if answer.author_id == user.pk:
        raise ValidationError(_("You cannot vote for your own answer."))
    if not policies.can_vote(user, answer):
        raise PermissionDenied(_("You cannot vote for this answer."))
    try:
        with transaction.atomic():
            vote = AnswerVote.objects.create(answer=answer, user=user)
    except IntegrityError:
        raise ValidationError(_("You have already voted for this answer.")) from None
    Post.objects.filter(pk=answer.pk).update(vote_count=F("vote_count") + 1)
    return vote


@transaction.atomic
def answer_unvote(*, user: User, answer: Post) -> None:
    removed, _rows = AnswerVote.objects.filter(answer=answer, user=user).delete()
    if not removed:
        raise ValidationError(_("You have not voted for this answer."))
    Post.objects.filter(pk=answer.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)


@transaction.atomic
def answer_accept(*, by: User, answer: Post) -> Question:
    """Mark the answer that solved the question (one per question; accepting another switches)."""
    from ruche.qa.tasks import notify_answer_accepted

    if not policies.can_accept(by, answer):
        raise PermissionDenied(_("Only the person who asked, or a moderator, can accept an answer."))
    question = Question.objects.select_for_update().get(pk=answer.parent_id)
    if question.accepted_answer_id == answer.pk:
        return question
    question.accepted_answer, question.accepted_by, question.accepted_at = answer, by, timezone.now()
    question.save(update_fields=["accepted_answer", "accepted_by", "accepted_at"])
    publish(AnswerAccepted(answer_id=answer.pk, by_id=by.pk))
    if answer.author_id != by.pk:
        notify_answer_accepted.enqueue(question_id=question.pk, actor_id=by.pk)
    return question


@transaction.atomic
def answer_unaccept(*, by: User, answer: Post) -> Question:
    question = Question.objects.select_for_update().get(pk=answer.parent_id)
    if question.accepted_answer_id != answer.pk:
        raise ValidationError(_("This answer is not the accepted one."))
    if not policies.can_accept(by, answer):
        raise PermissionDenied(_("Only the person who asked, or a moderator, can accept an answer."))
    question.accepted_answer, question.accepted_by, question.accepted_at = None, None, None
    question.save(update_fields=["accepted_answer", "accepted_by", "accepted_at"])
    return question


@transaction.atomic
def question_ask_experts(*, by: User, question: Post, experts: list[User]) -> list[ExpertRequest]:
    """Notify the chosen colleagues that their knowledge is wanted (each one once per question)."""
    from ruche.qa.tasks import notify_experts

    if not policies.can_ask_experts(by, question):
        raise PermissionDenied(_("Only the person who asked can call on experts."))
    asked = set(ExpertRequest.objects.filter(question_id=question.pk).values_list("expert_id", flat=True))
    new = {e.pk: e for e in experts if e.pk != by.pk and e.pk not in asked}
    if not new:
        raise ValidationError(_("Choose at least one colleague who has not been asked yet."))
    if len(asked) + len(new) > MAX_EXPERTS_ASKED:
        raise ValidationError(
            _("You can call on up to %(max)d colleagues per question.") % {"max": MAX_EXPERTS_ASKED}
        )
    unable = [e.full_name for e in new.values() if not policies.may_be_asked(e, question)]
    if unable:
        raise ValidationError(
            _("%(names)s cannot read this question (it is in a community they are not part of).")
            % {"names": ", ".join(unable)}
        )
    requests = ExpertRequest.objects.bulk_create(
        [ExpertRequest(question_id=question.pk, expert=e, asked_by=by) for e in new.values()]
    )
    notify_experts.enqueue(question_id=question.pk, expert_ids=list(new))
    return requests
