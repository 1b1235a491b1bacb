"""Reads for questions: what a question card needs, question lists, and answer times."""

import statistics
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ruche.core.pagination import Page
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts
from ruche.qa.models import AnswerVote, Question
from ruche.qa.policies import is_question


class State:
    UNANSWERED = "unanswered"
    OPEN = "open"  # answered, no answer accepted yet
    RESOLVED = "resolved"
    ALL = "all"
    CHOICES = (UNANSWERED, OPEN, RESOLVED, ALL)


def attach_questions(posts: list[Post]) -> list[int]:
    """Make `post.question` readable without a query per card (one query for the posts not loaded
    with it); return the accepted answers' ids."""
    descriptor = Post.question
    missing = [p.pk for p in posts if not descriptor.is_cached(p)]
    if missing:
        found = Question.objects.in_bulk(missing)
        for post in posts:
            if not descriptor.is_cached(post):
                descriptor.related.set_cached_value(post, found.get(post.pk))
    return [p.question.accepted_answer_id for p in posts if is_question(p) and p.question.accepted_answer_id]


def annotate_answers(posts: list[Post], viewer, *, by_votes: bool = False) -> None:
    """Per question card: which answer is accepted, which ones the viewer voted for, the order
    (accepted first; then the most voted on the question's own page, else oldest first)."""
    questions = []
    for post in posts:
        post.is_question = is_question(post)
        if post.is_question:
            questions.append(post)
    answers = [reply for post in questions for reply in post.shown_replies]
    voted = set()
    if answers and viewer.is_authenticated:
        voted = set(
            AnswerVote.objects.filter(user=viewer, answer_id__in=[a.pk for a in answers]).values_list(
                "answer_id", flat=True
            )
        )
    for post in questions:
        accepted_id = post.question.accepted_answer_id
        post.can_accept = viewer.pk == post.author_id or post.can_moderate
        for reply in post.shown_replies:
            reply.is_accepted = reply.pk == accepted_id
            reply.my_vote = reply.pk in voted
            reply.can_vote = reply.author_id != viewer.pk and not reply.hidden_at
        if by_votes:
            post.shown_replies.sort(key=lambda r: (not r.is_accepted, -r.vote_count, r.pk))
        else:
            post.shown_replies.sort(key=lambda r: (not r.is_accepted, r.pk))


def questions(viewer, *, state: str = State.UNANSWERED, community=None, before=None, size=None) -> Page[Post]:
    """Questions the viewer may read, newest first, by state, everywhere or in one community."""
    from ruche.communities.models import Placement
    from ruche.posts.selectors import _page

    found = Post.objects.top_level().filter(question__isnull=False)
    if state == State.UNANSWERED:
        found = found.filter(question__first_answer_at__isnull=True)
    elif state == State.OPEN:
        found = found.filter(question__first_answer_at__isnull=False, question__accepted_answer__isnull=True)
    elif state == State.RESOLVED:
        found = found.filter(question__accepted_answer__isnull=False)
    if community is not None:
        found = found.filter(placements__community=community, placements__status=Placement.Status.APPROVED)
    return _page(visible_posts(viewer, found), viewer, before, size or settings.FEED_PAGE_SIZE)


def answer_times(viewer, *, community=None, days: int = 90) -> dict:
    """How fast questions get answered: median hours to a first answer and to an accepted one,
    over the questions of the last `days` the viewer may read."""
    since = timezone.now() - timedelta(days=days)
    found = Post.objects.top_level().filter(question__isnull=False, created__gte=since)
    if community is not None:
        found = found.filter(placements__community=community)
    rows = list(
        visible_posts(viewer, found).values_list(
            "created", "question__first_answer_at", "question__accepted_at"
        )
    )

    def median_hours(index: int) -> float | None:
        spans = [(row[index] - row[0]).total_seconds() / 3600 for row in rows if row[index]]
        return round(statistics.median(spans), 1) if spans else None

    return {
        "asked": len(rows),
        "answered": sum(1 for row in rows if row[1]),
        "resolved": sum(1 for row in rows if row[2]),
        "hours_to_first_answer": median_hours(1),
        "hours_to_accepted": median_hours(2),
        "days": days,
    }
