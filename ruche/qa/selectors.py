"""Reads for questions: what a question card needs, question lists, and answer times."""

import statistics
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ruche.core.pagination import Page
from ruche.core.prepared import prepared
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts
from ruche.qa.models import AnswerVote, Question
from ruche.qa.policies import is_question, may_accept_in_card


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


@prepared("viewer", "ids")
def _voted(viewer, ids):
    return AnswerVote.objects.filter(user=viewer, answer_id__in=ids).values_list("answer_id", flat=True)


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
        voted = set(_voted(viewer=viewer, ids=[a.pk for a in answers]))
    for post in questions:
        accepted_id = post.question.accepted_answer_id
        post.can_accept = may_accept_in_card(viewer, post)
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


# Words that say nothing about a question's subject (French and English, folded as words_of does).
STOPWORDS = frozenset(
    """a au aux avec ce ces cet cette comment dans de des du elle en est et il ils je la le les leur
    mais me mon ne nous on ou par pas pour qu que quel quelle quels qui quoi sa se ses si son sur
    ta te tes ton tu un une vos votre vous y sait connait quelqu quelqu un savez faut peut peux doit
    pourquoi bonjour merci svp help the and or of to in on for with is are do does how what who why
    where when can could should would anyone someone know about my our your this that these those
    there have has an be it i we you""".split()  # noqa: SIM905 - a word list reads better as text
)
TOPIC_WORDS = 4


def question_topics(post: Post) -> list[str]:
    """The words a question is about: its hashtags first, then its longest meaningful words."""
    from ruche.core.text import fold
    from ruche.search.query import words_of

    tags = [fold(tag.name) for tag in post.hashtags.all()]
    words = [w for w in words_of(post.body) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()]
    words.sort(key=len, reverse=True)
    topics = []
    for word in tags + words:
        if word not in topics:
            topics.append(word)
    return topics[:TOPIC_WORDS]


def suggested_experts(viewer, post: Post, *, limit: int = 5) -> list:
    """Colleagues who know the question's subject and can read it, best first, with why; the asker,
    and those already asked, left out."""
    from ruche.qa.models import ExpertRequest
    from ruche.qa.policies import may_be_asked
    from ruche.search.selectors import experts_for

    asked = set(ExpertRequest.objects.filter(question_id=post.pk).values_list("expert_id", flat=True))
    best: dict[int, object] = {}
    for topic in question_topics(post):
        for expert in experts_for(viewer=viewer, topic=topic, limit=limit, exclude=[post.author_id, *asked]):
            known = best.get(expert.person.pk)
            if known is None:
                best[expert.person.pk] = expert
            else:
                known.score += expert.score
                known.posts += expert.posts
                known.replies += expert.replies
                known.accepted_answers += expert.accepted_answers
                known.skills = sorted({*known.skills, *expert.skills}, key=lambda s: s.name)
    ranked = sorted(best.values(), key=lambda e: -e.score)
    return [e for e in ranked if may_be_asked(e.person, post)][:limit]


def experts_panel(viewer, post: Post) -> dict:
    """On a question's page, for its asker while it is not resolved: who to call on, who was called."""
    from ruche.qa.models import ExpertRequest
    from ruche.qa.policies import can_ask_experts

    if not getattr(post, "is_question", False) or post.question.accepted_answer_id:
        return {}
    if not can_ask_experts(viewer, post):
        return {}
    asked = list(ExpertRequest.objects.filter(question_id=post.pk).select_related("expert"))
    return {"experts": suggested_experts(viewer, post), "experts_asked": asked}


def accepted_answers_of(viewer, person, *, limit: int = 5) -> list[Post]:
    """The person's answers that solved a question, newest first, among what the viewer may read
    (each with its question, for the link and the question's first words)."""
    answers = Post.objects.filter(author=person, accepted_for__isnull=False).select_related("parent")
    return list(visible_posts(viewer, answers).order_by("-id")[:limit])


def questions_for(viewer, ids: list[int]) -> set[int]:
    """Of these posts, the questions the viewer was asked to answer as an expert (one query)."""
    from ruche.qa.models import ExpertRequest

    asked = ExpertRequest.objects.filter(expert=viewer, question_id__in=ids)
    return set(asked.values_list("question_id", flat=True))
