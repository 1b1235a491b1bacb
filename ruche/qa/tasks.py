"""Questions' notifications, run by the task worker after commit; safe to run twice (event keys)."""

from django.tasks import task

from ruche.accounts.models import User
from ruche.notifications.services import Event, Kind, notify, notify_each
from ruche.qa.models import Question


@task()
def notify_answer_accepted(question_id: int, actor_id: int) -> bool:
    question = (
        Question.objects.select_related("accepted_answer__author", "accepted_answer__parent")
        .filter(pk=question_id)
        .first()
    )
    actor = User.objects.filter(pk=actor_id).first()
    if question is None or question.accepted_answer is None or actor is None:
        return False
    answer = question.accepted_answer
    told = notify(
        recipient=answer.author, kind=Kind.ANSWER_ACCEPTED, actor=actor, post=answer, key=f"post:{answer.pk}"
    )
    return told is not None


@task()
def notify_experts(question_id: int, expert_ids: list[int]) -> int:
    question = Question.objects.select_related("post__author").filter(pk=question_id).first()
    if question is None:
        return 0
    post = question.post
    return notify_each(Event(Kind.EXPERT_ASKED, post.author_id, f"post:{post.pk}", post=post), expert_ids)
