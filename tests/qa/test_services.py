import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ruche.communities.models import Community
from ruche.feed.models import FeedEntry
from ruche.notifications.models import Notification
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_delete
from ruche.qa import services
from ruche.qa.models import AnswerVote, ExpertRequest, Question

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_question_is_a_post_in_the_feed_with_a_question_record(question, alice):
    assert Question.objects.filter(post=question).exists()
    assert question.author == alice and question.parent is None
    assert FeedEntry.objects.filter(user=alice, post=question).exists()


def test_first_answer_time_is_the_first_reply_by_someone_else(question, alice, bruno):
    post_create(author=alice, body="Précision : c'est la presse de 200 t.", parent=question)
    assert Question.objects.get(pk=question.pk).first_answer_at is None
    answer = post_create(author=bruno, body="Il faut purger le circuit.", parent=question)
    post_create(author=bruno, body="Et vérifier le niveau.", parent=question)
    assert Question.objects.get(pk=question.pk).first_answer_at == answer.created


def test_vote_once_not_on_your_own_answer(question, alice, bruno, person):
    answer = post_create(author=bruno, body="Purger le circuit.", parent=question)
    services.answer_vote(user=alice, answer=answer)
    with pytest.raises(ValidationError, match="already voted"):
        services.answer_vote(user=alice, answer=answer)
    with pytest.raises(ValidationError, match="your own answer"):
        services.answer_vote(user=bruno, answer=answer)
    assert Post.objects.get(pk=answer.pk).vote_count == 1 and AnswerVote.objects.count() == 1
    services.answer_unvote(user=alice, answer=answer)
    with pytest.raises(ValidationError, match="not voted"):
        services.answer_unvote(user=alice, answer=answer)
    assert Post.objects.get(pk=answer.pk).vote_count == 0


def test_votes_only_on_answers_to_questions(alice, bruno):
    post = post_create(author=alice, body="Une simple annonce")
    reply = post_create(author=bruno, body="Merci", parent=post)
    with pytest.raises(PermissionDenied):
        services.answer_vote(user=alice, answer=reply)
    with pytest.raises(PermissionDenied):
        services.answer_accept(by=alice, answer=reply)


def test_only_the_asker_accepts_and_the_answerer_is_told(question, alice, bruno, person):
    carla = person("Carla")
    answer = post_create(author=bruno, body="Purger le circuit.", parent=question)
    with pytest.raises(PermissionDenied):
        services.answer_accept(by=carla, answer=answer)
    with pytest.raises(PermissionDenied):
        services.answer_accept(by=bruno, answer=answer)
    assert Question.objects.get(pk=question.pk).accepted_answer is None
    services.answer_accept(by=alice, answer=answer)
    q = Question.objects.get(pk=question.pk)
    assert q.accepted_answer == answer and q.accepted_by == alice and q.accepted_at is not None
    assert Notification.objects.filter(recipient=bruno, kind="answer_accepted", post=answer).count() == 1
    # Accepting another answer switches; undoing clears.
    other = post_create(author=carla, body="Changer le joint.", parent=question)
    services.answer_accept(by=alice, answer=other)
    assert Question.objects.get(pk=question.pk).accepted_answer == other
    with pytest.raises(ValidationError):
        services.answer_unaccept(by=alice, answer=answer)
    services.answer_unaccept(by=alice, answer=other)
    assert Question.objects.get(pk=question.pk).accepted_answer is None


def test_a_community_moderator_may_accept(make_community, person, bruno):
    mod = person("Mona")
    community = make_community("Maintenance", moderators=[mod])
    asker = community.created_by
    question = services.question_ask(author=asker, body="Qui connaît la GMAO ?", communities=[community])
    answer = post_create(author=bruno, body="Moi.", parent=question)
    services.answer_accept(by=mod, answer=answer)
    assert Question.objects.get(pk=question.pk).accepted_answer == answer


def test_deleted_answer_leaves_no_accepted_answer(question, alice, bruno):
    answer = post_create(author=bruno, body="Purger le circuit.", parent=question)
    services.answer_accept(by=alice, answer=answer)
    post_delete(post=answer, by=bruno)
    assert Question.objects.get(pk=question.pk).accepted_answer is None


def test_experts_are_asked_once_and_must_be_able_to_read(make_community, person, alice, bruno):
    carla, dan = person("Carla"), person("Dan")
    private = make_community(
        "Projet X", visibility=Community.Visibility.PRIVATE, owner=alice, members=[bruno]
    )
    question = services.question_ask(author=alice, body="Où en est le lot 2 ?", communities=[private])
    with pytest.raises(ValidationError, match="cannot read"):
        services.question_ask_experts(by=alice, question=question, experts=[bruno, carla])
    assert (
        not ExpertRequest.objects.exists() and not Notification.objects.filter(kind="expert_asked").exists()
    )
    services.question_ask_experts(by=alice, question=question, experts=[bruno])
    assert Notification.objects.filter(recipient=bruno, kind="expert_asked", post=question).count() == 1
    with pytest.raises(ValidationError, match="not been asked"):
        services.question_ask_experts(by=alice, question=question, experts=[bruno])
    with pytest.raises(PermissionDenied):
        services.question_ask_experts(by=bruno, question=question, experts=[dan])


def test_at_most_five_experts_per_question(question, alice, person):
    people = [person(f"Expert{i}") for i in range(6)]
    with pytest.raises(ValidationError, match="up to 5"):
        services.question_ask_experts(by=alice, question=question, experts=people)
    assert not ExpertRequest.objects.exists()
