from django.tasks import task

from ruche.accounts.models import User
from ruche.notifications.services import Kind, notify
from ruche.qa.models import Question


@task()
def notify_answer_accepted(question_id: int, actor_id: int) -> bool:
    question = Question.objects.select_related("accepted_answer__author").filter(pk=question_id).first()
    actor = User.objects.filter(pk=actor_id).first()
    if question is None or question.accepted_answer is None or actor is None:
        return False
    answer = question.accepted_answer
    return notify(recipient=answer.author, kind=Kind.ANSWER_ACCEPTED, actor=actor, post=answer) is not None


@task()
def notify_experts(question_id: int, expert_ids: list[int]) -> int:
    question = Question.objects.select_related("post__author").filter(pk=question_id).first()
    if question is None:
        return 0
    post = question.post
    return sum(
        notify(recipient=expert, kind=Kind.EXPERT_ASKED, actor=post.author, post=post) is not None
        for expert in User.objects.filter(pk__in=expert_ids)
    )
