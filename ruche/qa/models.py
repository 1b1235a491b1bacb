"""Questions and answers. A question is a post (it lives in feeds, communities and search like any
post); its answers are its replies. This app adds what makes it a question: the accepted answer,
votes on answers, the experts asked, and the times the analytics need."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Question(models.Model):
    post = models.OneToOneField(
        "posts.Post", on_delete=models.CASCADE, primary_key=True, related_name="question"
    )
    accepted_answer = models.OneToOneField(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted_for"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The first reply by someone other than the asker: "time to first answer" is measured from it.
    first_answer_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["first_answer_at"], name="qa_question_unanswered")]

    def __str__(self):
        return f"question {self.pk}"


class AnswerVote(models.Model):
    answer = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answer_votes")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="qa_one_vote_per_answer")]


class ExpertRequest(models.Model):
    """An expert the asker called on: asked once per question, notified once."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="expert_requests")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "expert"], name="qa_expert_asked_once")]
